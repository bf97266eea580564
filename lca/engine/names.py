"""Names of the Brightway databases the project writes (the shipped background and biosphere3) and of
the default indicator set.

Kept apart so that the build, the project state, the importers and the command list share them
without importing each other (the command list must not pay for pint and pydantic to show --help)."""

BACKGROUND_DB = "lca-background"
BIOSPHERE_DB = "biosphere3"
DEFAULT_SET = "gbt32161_default"  # the indicator set used when none is named
