"""salesflow: a terminal-native sales pipeline tracker for small B2B sales teams."""

__version__ = "0.1.0"
