"""The reports: `funnel` and `report kpis|forecast|reps|products|lost|stages|html`.

Each report is a service taking a `Reader` and one `ReportScope` (`scope.py`, built once from the
command line by `resolve_scope`); its figures come from `salesflow.queries` (one module per fact)
and it returns a read model from `views.py`. No report imports SQLAlchemy or SQLModel.
"""
