"""The line of waiting callers and the counsellors rung for them: who waits in which order,
what each counsellor is doing now, the offers (legs) made, the plan of one round, the
distributor that acts on it and the desk of a caller's and a counsellor's leg.

What routing needs of time and of callbacks (is the service open now? ring a counsellor for a
callback that holds a place in line) it asks of the unit of work that made it
(`hotline.routing.unit.RoutingUnit`), so the core never imports `scheduling`."""
