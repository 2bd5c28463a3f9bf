"""The domain's pure rules: what every reader and writer must agree on, with no I/O, so a rule
is written once and the CLI, the imports, the reports and the demo cannot drift apart."""
