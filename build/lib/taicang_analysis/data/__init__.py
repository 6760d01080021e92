"""Data: published figures from ``data/raw`` to typed tables in ``data/processed``.

Owns paths (`paths`: where the data directory is), the raw-file format and its
validation, the number parser, the plan text, the indicator registry, the
region table (`regions`: level, parent, aggregate), vintages (what was known
when), the build, the processed-table schema (`schema`) and the reference
panels' aggregate rule (`panels`).  Only ``data.io`` touches the disk.
May import: nothing else of the package.
"""
