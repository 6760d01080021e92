"""Assessment: one target against one series (``assess``), a plan's targets against
what was known at a date (``plans``), and ratio scenarios (``scenarios``).

May import: ``data``, ``methods``, ``forecast``.
"""
