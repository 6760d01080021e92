"""Present: text tables, figures and HTML cards drawn from result objects; no computation.

May import: ``data``, ``methods``, ``forecast``, ``assessment``.
"""
