"""Upward: a regional workforce pathways hub on real public data."""

__version__ = "0.1.0"
