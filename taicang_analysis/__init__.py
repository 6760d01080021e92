"""taicang-analysis: are a plan's S&T targets reachable, how likely, and what would it take."""

__version__ = "0.1.0"
