"""Reads that must not grow with the province: the database reads the first rows of an index and stops."""

from __future__ import annotations

import pytest
from django.db import connection

from rectify.accounts.models import Role
from rectify.core.testing import capture_queries
from rectify.rectification.selectors import attention_tasks_for
from tests import factories


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's; PostgreSQL proves the "
                                                          "partial index's condition from bound values as well")
def test_the_urgent_list_reads_open_tasks_in_deadline_order_from_the_partial_index() -> None:
    """The workbench's urgent tasks come from the index of open tasks by deadline, not from a sort of every open
    task in the province (at 10^5 tasks: 0.05 ms instead of 0.6 s on SQLite; the query repeats the index's
    condition as constants, since SQLite matches a partial index only on the same words)."""
    user = factories.user(role=Role.COMMISSION)
    with capture_queries() as queries:
        attention_tasks_for(user=user)
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    assert "task_open_due_idx" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
