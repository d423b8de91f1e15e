"""The line of waiting callers and the counsellors rung for them: who waits in which order,
what each counsellor is doing now, the offers (legs) made, and the plan of one round.

The distributor that acts on a plan at the right moment lives in `scheduling.routing`: it needs
the opening hours and the callback placement, which are time."""
