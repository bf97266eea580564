"""The evaluation registry (design §9): evaluations as database records with their inputs, re-checks from
the stored inputs, status changes with an append-only audit log, and sampling inspection.

`db` opens a database (SQLite under LCA_HOME by default, PostgreSQL by URL) and migrates it; `models` is
the schema; `store` reads and writes records; `submission` evaluates a product into a record; `verify`
re-runs one; `inspection` draws and inspects listed products; `export` writes the records as a table.
"""
