"""The embedded Brightway project and its build, cached matrices, the engine (factorise once, solve many),
indicator registry and linked databases. Above `lca.inventory` (the build reads it)."""
