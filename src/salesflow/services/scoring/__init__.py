"""Lead scoring: scores from fit and engagement rules, the rules themselves, and what would
reach the next threshold."""
