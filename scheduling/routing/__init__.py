"""In-hours routing: the caller waits in a queue of their own while counsellors are rung, each
hears the case first and only pressing 1 connects them."""
