"""The measurements of scripts/bench: a module per section (noop, fresh, many,
slow_link, replicas, as_init, size), each a run(bench), over what they share:
bench (what a section works with), runner (processes and their timing),
cluster (the PostgreSQL clusters and their statement log), tools (each
tool's command, the schema checks), report (figures, tables, the text of
results.md) and chart (the SVG). bench/run.py runs the sections in order."""
