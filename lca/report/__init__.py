"""LCA reports: a product's evaluation (GB/T 32161 / GB/T 24044 sections) and a catalogue screening summary.

Reports are self-contained HTML (Jinja2 templates, charts as inline SVG, no scripts, no network)
with an optional PDF rendered by WeasyPrint from the same HTML. Nothing in them depends on the
time or the machine they were made on (design §9): the same inputs give the same bytes.
"""
