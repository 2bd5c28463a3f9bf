"""Entry point: assembles the command groups onto the root app and runs it."""

from __future__ import annotations

from salesflow.cli import (  # noqa: F401
    activities,
    agenda,
    cadences,
    contacts,
    customers,
    db,
    deals,
    emails,
    export,
    history,
    imports,
    leads,
    pipelines,
    quotes,
    reports,
    scoring,
    setup,
    tasks,
)
from salesflow.cli.app import app


def main() -> None:
    """The `salesflow` console script."""
    app()


if __name__ == "__main__":
    main()
