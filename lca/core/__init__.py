"""The ground every layer stands on: units, errors, strict YAML, stages, file writing, ordering, plot style
and where the shipped data lives. Imports nothing else of `lca`."""
