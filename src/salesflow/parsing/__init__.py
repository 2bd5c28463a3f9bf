"""Parsing what people type: dates in words and money in shorthand."""
