"""Small portable SQL expressions used by derived state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models


class DaysUntil(models.Func):
    """Whole days from ``today`` until the date expression (negative once it is past).

    PostgreSQL subtracts dates to an integer; SQLite needs julianday().
    """

    output_field = models.IntegerField()

    def __init__(self, expression: Any, today: dt.date, **extra: Any) -> None:
        super().__init__(expression, models.Value(today, output_field=models.DateField()), **extra)

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        return self.as_postgresql(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


# China has kept UTC+8 all year since 1991: a moment's date in Beijing is its UTC time plus 8 hours, which both
# databases compute natively (Django's __date lookup on SQLite calls a Python function per row instead).
CHINA_OFFSET_HOURS = 8


class ChinaDate(models.Func):
    """The date in China (Asia/Shanghai) of a stored aware datetime, in SQL."""

    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        return self.as_postgresql(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return super().as_sql(compiler, connection, template="((%(expressions)s) AT TIME ZONE 'Asia/Shanghai')::date",
                              **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return super().as_sql(compiler, connection,
                              template=f"date(%(expressions)s, '+{CHINA_OFFSET_HOURS} hours')", **extra_context)


def sum_json_values_below(rows: models.QuerySet[Any], field: str, below: str) -> int:
    """The sum of the integer values of the JSON object column ``field``, over the rows of ``rows``, of the keys
    that sort before ``below`` — in SQL (``jsonb_each_text`` / SQLite's ``json_each``), instead of decoding
    every object in Python (24,000 of them cost 70 ms of a page at 10^6 tasks)."""
    connection = connections[rows.db]
    try:
        sql, params = rows.values(field).query.sql_with_params()
    except EmptyResultSet:  # a condition that selects nothing (e.g. no unit at all): nothing to sum
        return 0
    column = connection.ops.quote_name(field)
    if connection.vendor == "postgresql":
        each, value = f"jsonb_each_text(r.{column})", "e.value::integer"
    else:
        each, value = f"json_each(r.{column})", "e.value"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM({value}), 0) FROM ({sql}) AS r, {each} AS e WHERE e.key < %s",
                       [*params, below])
        return int(cursor.fetchone()[0])
