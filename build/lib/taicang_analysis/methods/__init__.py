"""Methods: the growth-rate methods statistical offices publish (Eurostat's rate
ratio, the UN projected gap, the linear path, the time-proportional check, the
required pace), with their formulas and references in ``progress``.

May import: ``data``.
"""
