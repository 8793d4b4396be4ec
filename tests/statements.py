"""The SQL statements a piece of code sends (STYLE 11: hot paths hold their counts).

Django's CaptureQueriesContext sees what goes through Django's cursors. The take next on
PostgreSQL sends its per-operator lock and its one statement on psycopg's own cursor
(queues/services.py), past Django's query log; production code writes nothing into that
log for the tests' sake, so the statements sent that way are caught here, at psycopg."""

from __future__ import annotations

from contextlib import ExitStack
from unittest import mock

import psycopg
from django.db import connection
from django.test.utils import CaptureQueriesContext


class CaptureStatements(CaptureQueriesContext):
    """CaptureQueriesContext, plus the statements sent on psycopg cursors outside Django's
    (those inside one are Django's own, in `captured_queries` already)."""

    def __init__(self, conn=connection):
        super().__init__(conn)
        self.past_django: list[str] = []

    def __enter__(self):
        super().__enter__()
        self._patches = ExitStack()
        inside_django = [0]

        def through_django(execute, sql, params, many, context):
            inside_django[0] += 1
            try:
                return execute(sql, params, many, context)
            finally:
                inside_django[0] -= 1

        send = psycopg.Cursor.execute

        def execute(cursor, query, *args, **kwargs):
            if not inside_django[0]:
                self.past_django.append(str(query))
            return send(cursor, query, *args, **kwargs)

        self._patches.enter_context(self.connection.execute_wrapper(through_django))
        self._patches.enter_context(mock.patch.object(psycopg.Cursor, "execute", execute))
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self._patches.close()
        super().__exit__(exc_type, exc_value, traceback)

    @property
    def statements(self) -> list[str]:
        return [q["sql"] for q in self.captured_queries] + self.past_django

    def __len__(self) -> int:
        return len(self.statements)
