"""Data: published figures from ``data/raw`` to typed tables in ``data/processed``.

Owns paths, the raw-file format and its validation, the number parser, the plan
text, the indicator registry, vintages (what was known when), the build, the
processed-table schema and the reference panels cut as of a date.  Only
``data.io`` touches the disk.  May import: nothing else of the package.
"""
