"""Forecast: models for short annual series, reference classes (the outside view
from other regions), and the pooling rule with its calibration (``pooling``),
which ``assess`` and the backtest share.

May import: ``data``.
"""
