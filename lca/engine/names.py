"""Names of the Brightway databases the project writes: the shipped background and biosphere3.

Kept apart so that the build, the project state and the importers share them without importing
each other."""

BACKGROUND_DB = "lca-background"
BIOSPHERE_DB = "biosphere3"
