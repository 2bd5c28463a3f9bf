"""The reports on screen (tables, bars), in JSON and CSV: one module per report, shared
pieces in `common`.

JSON keys are only ever added. Money is a decimal string in major units beside `currency`
(null where there is nothing to average); rates are 0-1 numbers to four decimals, except
`lead_velocity`, a percentage change.
"""
