"""The domain's own rules, with no I/O: no database, no terminal, no files, cheap to import.

Every way data comes in (the command line's models in `models.schemas`, the CSV import in
`services.imports.rows`, the JSON import in `services.imports.native`) checks it here, so a value
one of them refuses is refused by all of them:

- `inputs`: names and titles, reps' names, email addresses, currency codes, activity types,
  follow-up repeats: one function per kind of value, raising `Refused`;
- `deals`: a deal's status, stage kind and close outcomes, and when they agree;
- `companies`: company identity (`company_key`, stored as `companies.name_key`);
- `stages`: the qualifying stage of a pipeline, for `report kpis` and `score` alike.
"""
