"""Brief: the quarterly brief run -- the notebook suite executed with papermill into a
readable, reproducible folder (HTML pages, index.html with the headline table, brief.pdf,
manifest.json, what changed since the previous brief).

``brief.io`` owns the brief's disk access (lock, staging folder, atomic publish, hashes).
May import: ``data``, ``methods``, ``forecast``, ``assessment``, ``evaluation``, ``present``, ``api``.
"""
