"""X-11 with a plug-in's columns (issue 26, EXPORT_COLUMNS): a PICK project's order
export shows where each parcel is after the engine's columns; another playbook's export
has no such columns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW
from tests.exports.support import as_dicts, body, csv_rows, xlsx_rows

PARCEL = ["Состояние посылки", "Пункт выдачи", "Прибыла", "Хранится до", "Трек-номер"]


def _export(client, world, fmt):
    client.force_login(world.supervisor)
    response = client.get(f"/p/{world.project.slug}/orders.{fmt}", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    return body(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_pick_export_shows_each_parcel_after_the_engines_columns(pick, client, fmt):
    # given two orders: one whose parcel arrived at a pickup point, one not shipped yet
    arrived = pick.order(1)
    pick.arrive(arrived, NOW - timedelta(days=2), point="ПВЗ на Ленина, 5")
    waiting = pick.order(2)

    content = _export(client, pick.world, fmt)
    rows = csv_rows(content) if fmt == "csv" else xlsx_rows(content)

    # then the parcel's columns follow the engine's, in Russian
    assert rows[0][-5:] == PARCEL and rows[0][0] == "Номер"
    by_number = {str(row["Номер"]): row for row in as_dicts(rows)}
    parcel = by_number[str(arrived.pk)]
    assert parcel["Состояние посылки"] == "Прибыла в пункт выдачи"
    assert parcel["Пункт выдачи"] == "ПВЗ на Ленина, 5"
    assert parcel["Трек-номер"] == "RP1"
    assert parcel["Хранится до"] not in ("", None)
    # … and an order without a parcel has them empty
    assert [by_number[str(waiting.pk)][h] in ("", None) for h in PARCEL] == [True] * 5


def test_an_export_of_another_playbook_has_no_parcel_columns(cod, client):
    cod.intake()
    header = csv_rows(_export(client, cod, "csv"))[0]
    assert not set(PARCEL) & set(header)
