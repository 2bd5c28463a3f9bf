"""Bulk inserts for the writers that bring in many rows at once (the imports and the demo):
one executemany per table inside the write transaction, with ids assigned by the writer, and the
PostgreSQL id sequences moved past those ids at the end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class StoredForm:
    """The form values take in the tuples a bulk writer hands `insert_tuples`, made once per
    value by the writer: on SQLite SQLAlchemy's own text forms of moments and days and 0/1 for
    booleans (`sqlite_datetime`, ...), on PostgreSQL the Python values themselves."""

    stamp: Callable[[datetime], Any]  # a moment (naive UTC; never None: test for it first)
    day: Callable[[date | None], Any]
    false: Any
    true: Any

    @classmethod
    def of(cls, conn: Connection) -> StoredForm:
        if conn.dialect.name == "sqlite":
            return cls(_sqlite_stamp, sqlite_date, 0, 1)
        return cls(_same, _same, False, True)


def _same(value: Any) -> Any:
    return value


def sync_sequences(conn: Connection, next_ids: dict[Any, int]) -> None:
    """PostgreSQL: move each id sequence past the ids we assigned, so the next insert works."""
    from sqlalchemy import func, select

    if conn.dialect.name != "postgresql":
        return  # SQLite hands out max(id) + 1 by itself
    for model, next_id in next_ids.items():
        if next_id > 1:
            sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
            conn.execute(select(func.setval(sequence, next_id - 1)))


def insert_rows(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany for a table's rows (all with the same keys)."""
    from sqlalchemy import insert

    if not rows:
        return
    table = model.__table__
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    # SQLite: the driver's own executemany over tuples, values converted as SQLAlchemy stores
    # them (its per-row parameter processing costs as much as SQLite's inserts)
    names = tuple(rows[0])
    sql, converters = sqlite_insert_sql(conn, table, names)
    pick = itemgetter(*names)
    if not converters:
        data: list[Any] = [pick(row) for row in rows]
    else:
        data = []
        for row in rows:
            values = list(pick(row))
            for index, convert in converters:
                values[index] = convert(values[index])
            data.append(tuple(values))
    conn.exec_driver_sql(sql, data)


def insert_tuples(
    conn: Connection, model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """One executemany of rows given as tuples in `columns` order, already in the form the
    driver stores (`StoredForm`)."""
    if not rows:
        return
    table = model.__table__
    if conn.dialect.name != "sqlite":
        from sqlalchemy import insert

        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    sql, _ = sqlite_insert_sql(conn, table, columns)
    conn.exec_driver_sql(sql, rows)


_SQLITE_INSERT_SQL: dict[tuple[str, tuple[str, ...]], tuple[str, list[tuple[int, Any]]]] = {}


def sqlite_insert_sql(
    conn: Connection, table: Any, names: tuple[str, ...]
) -> tuple[str, list[tuple[int, Any]]]:
    key = (table.name, names)
    if key not in _SQLITE_INSERT_SQL:
        from sqlalchemy import Boolean, Date, DateTime

        converters: list[tuple[int, Any]] = []  # (position, converter) of the typed columns
        for index, name in enumerate(names):
            kind = table.c[name].type
            if isinstance(kind, DateTime):
                converters.append((index, sqlite_datetime))
            elif isinstance(kind, Date):
                converters.append((index, sqlite_date))
            elif isinstance(kind, Boolean):
                converters.append((index, sqlite_bool))
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'  # noqa: S608 (names from our models)
        _SQLITE_INSERT_SQL[key] = (sql, converters)
    return _SQLITE_INSERT_SQL[key]


# SQLAlchemy's SQLite storage form of a moment, `2026-11-10 09:00:00.000000` (no None test: the
# bulk writers call it once per moment, millions of times)
_sqlite_stamp = partial(datetime.isoformat, sep=" ", timespec="microseconds")


def sqlite_datetime(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite storage form: `2026-11-10 09:00:00.000000`."""
    return None if value is None else _sqlite_stamp(value)


def sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)
