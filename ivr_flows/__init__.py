"""What the caller hears and can do, by domain as in the core (`callbacks/`, `appointments/`,
`routing/`, `cases/`, `hours/`), each module a group of steps; beside them the shared
machinery: what a step is (`steps`), the runner, the step table, the prompt catalogs, spoken
German, the ways out (`contact`), offered times and the answer on failure."""
