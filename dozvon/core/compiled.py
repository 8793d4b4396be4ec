"""Hot reads whose SQL Django compiles once per process (issue 18).

Building and compiling a queryset with a few joins costs more CPU than PostgreSQL spends
answering it (bench/README.md "Profiling"). A `CompiledRead` builds its queryset once with
a marker value for each argument, keeps the compiled SQL and where each marker landed among
the parameters, and from then on only runs that SQL with the real values through Django's
own cursor (logged, errors translated) and makes the model instances as a queryset would:
the same converters, the same `select_related` objects, deferred fields left deferred.

Only for arguments that become exactly one SQL parameter each (an id, a slug), never a
list; when the markers cannot be told apart in the compiled parameters the read is made
by the ORM as usual, so a shape this cannot handle is slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Marker values by argument type: values no real row or request carries.
_MARKERS: dict[type, Callable[[int], Any]] = {
    int: lambda i: -7_340_000_017 - i,
    str: lambda i: f"\x1fmarker-{i}\x1f",
}


_INT64 = (-(2**63), 2**63 - 1)


def _bindable(value: Any, kind: type) -> bool:
    """Whether the value can take its marker's place as it is: of the declared type and,
    for a number, one a column can hold."""
    if type(value) is not kind:
        return False
    return kind is not int or _INT64[0] <= value <= _INT64[1]


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[tuple[bool, Any], ...]  # (is the argument at index, value or index)
    compiler: Any
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    populators: list

    def bind(self, args: tuple) -> list:
        return [args[value] if is_arg else value for is_arg, value in self.params]

    def objects(self, db: str, rows: list) -> list[Model]:
        """The model instances of these rows, as the queryset's iteration makes them."""
        objects = []
        for row in self.compiler.results_iter(results=[rows]):
            obj = self.model.from_db(db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


class CompiledRead:
    """`CompiledRead(Order, build, int, str)(42, "x")` runs `build(42, "x")`'s query, a
    queryset of `model` whose arguments have these types."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], *types: type):
        self.model, self.build, self.types = model, build, types
        self._plans: dict[tuple[str, str], _Plan | None] = {}

    def __call__(self, *args: Any) -> list[Model]:
        db = router.db_for_read(self.model)
        plan = self._plan(db, args)
        if plan is None:
            # the ORM knows what None (IS NULL) and a number no column can hold mean
            return list(self.build(*args).using(db))
        with connections[db].cursor() as cursor:
            cursor.execute(plan.sql, plan.bind(args))
            return plan.objects(db, cursor.fetchall())

    def _plan(self, db: str, args: tuple) -> _Plan | None:
        """The compiled plan for these arguments, or None when the ORM must read."""
        key = (db, connections[db].vendor)
        if key not in self._plans:
            self._plans[key] = self._compile(db)
        plan = self._plans[key]
        if plan is None or any(not _bindable(a, t) for a, t in zip(args, self.types, strict=True)):
            return None
        return plan

    def first(self, *args: Any) -> Model | None:
        found = self(*args)
        return found[0] if found else None

    def _compile(self, db: str) -> _Plan | None:
        markers = [_MARKERS[t](i) for i, t in enumerate(self.types)]
        try:
            qs = self.build(*markers).using(db)
            compiler = qs.query.get_compiler(using=db)
            sql, raw_params = compiler.as_sql()
        except (TypeError, ValueError, ValidationError, EmptyResultSet):
            return None  # a field that converts its values refused a marker: not for this
        if (
            qs.model is not self.model
            or qs._prefetch_related_lookups
            or qs._known_related_objects
            or qs.query.annotations
        ):
            return None
        slots: list[tuple[bool, Any]] = []
        for value in raw_params:
            hits = [i for i, m in enumerate(markers) if type(value) is type(m) and value == m]
            slots.append((True, hits[0]) if hits else (False, value))
        if {i for is_arg, i in slots if is_arg} != set(range(len(markers))):
            return None  # an argument missing or transformed: not for this
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Plan(
            sql=sql,
            params=tuple(slots),
            compiler=compiler,
            model=klass_info["model"],
            init_list=[f[0].target.attname for f in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, db),
        )


def read_together(*calls: tuple[CompiledRead, tuple]) -> list[list[Model]]:
    """Several compiled reads of one database, each `(read, args)`, and their results in
    order. On PostgreSQL they go out together in psycopg's pipeline mode, one network
    round trip for all (each still a statement of its own, logged as usual); elsewhere,
    or when one of them must go to the ORM, one after the other."""
    db = router.db_for_read(calls[0][0].model)
    wrapper = connections[db]
    plans = [read._plan(db, args) for read, args in calls]
    if wrapper.vendor != "postgresql" or None in plans or len(calls) == 1:
        return [read(*args) for read, args in calls]
    wrapper.ensure_connection()
    cursors = []
    try:
        with wrapper.wrap_database_errors, wrapper.connection.pipeline():
            for plan, (_, args) in zip(plans, calls, strict=True):
                cursor = wrapper.cursor()
                cursors.append(cursor)
                cursor.execute(plan.sql, plan.bind(args))
        return [
            plan.objects(db, cursor.fetchall()) for plan, cursor in zip(plans, cursors, strict=True)
        ]
    finally:
        for cursor in cursors:
            cursor.close()
