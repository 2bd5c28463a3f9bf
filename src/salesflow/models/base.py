"""The base of every table model.

Table models never validate (input goes through the models in `schemas`), so pydantic need not
build their validators when the class is made: `defer_build` leaves that to a first use that
never comes, which halves what importing the tables costs every command.
"""

from pydantic import ConfigDict
from sqlmodel import SQLModel


class TableModel(SQLModel):
    """A SQLModel table whose pydantic validator is built only if it is ever used."""

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]
