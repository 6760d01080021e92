"""Methods: the growth-rate methods statistical offices publish (Eurostat's rate
ratio, the UN projected gap, the linear path, the time-proportional check, the
required pace, Statistics Canada's no-target bands), with their formulas and references
in ``progress``, and the options Open SDG configures per indicator (``ProgressOptions``:
rate-ratio bands, no-target scheme, base year).

May import: ``data``.
"""
