"""The EXPORT_COLUMNS extension point's item (X-11): a playbook plug-in's columns of the
order export, after the engine's (`web/exports.py`), chosen by the project's playbook."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dozvon.core.tabular import Column


@dataclass(frozen=True)
class ExportColumns:
    """`columns()`: their headers, in the reader's language, and cell types;
    `values(order_ids)`: the cells of one chunk of the exported orders, by order id, read
    with one query a chunk. An order it has nothing for gets empty cells."""

    columns: Callable[[], list[Column]]
    values: Callable[[Sequence[int]], Mapping[int, Sequence]]
