"""Evaluation: the method's track record -- scores, past-plan cases, rolling origins,
calibration fitting and the backtest run.

May import: ``data``, ``methods``, ``forecast``, ``assessment``.
"""
