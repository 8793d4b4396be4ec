"""Issue 23 item 21 (X-11): the supervisor's operators report counts the work each
playbook's operators actually do — SUB-3's contacts of subscribers and NBO-1's inbound
interactions, not only outbound calls — and each playbook's report page explains its own
figures: the approval note (COD's confirmations) only where operators approve orders."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from dozvon.interactions.services import interaction_start
from dozvon.reports.registry import report_for, run
from tests.conftest import NOW, _world

MSK = ZoneInfo("Europe/Moscow")
DAY = NOW.astimezone(MSK).date()
APPROVAL_NOTE = "Approval rate = approved / (approved + refused + call-backs)."
INBOUND_NOTE = "Inbound contacts are the conversations each operator recorded"


@pytest.fixture
def sub(db):
    return _world("sub", "sub")


@pytest.fixture
def nbo(db):
    return _world("nbo", "telecom")


def _contacts(world, n: int) -> None:
    """`n` inbound calls the world's operator takes this morning (SUB-3 / NBO-1)."""
    for i in range(n):
        interaction_start(
            project=world.project,
            actor=world.operator,
            phone=f"+7916555{i:04d}",
            now=NOW - timedelta(hours=2, minutes=i),
        )


@pytest.mark.parametrize("world_name", ["sub", "nbo"])
def test_operators_report_counts_inbound_contacts_sub_3_nbo_1(request, db, world_name):
    # given a SUB (or NBO) operator who took three inbound calls today and made no calls
    world = request.getfixturevalue(world_name)
    _contacts(world, 3)
    # when the supervisor's operators report for today is run, per operator and in total
    report = report_for(world.project, "operators")
    by_operator = run(world.project, report, DAY, DAY, "operator")
    total = run(world.project, report, DAY, DAY, "total")
    # then the operator's row counts the three contacts instead of "nothing in this range"
    rows = {r["operator"]: r for r in by_operator.rows}
    assert rows[world.operator.pk]["interactions"] == 3
    assert rows[world.operator.pk]["calls"] == 0
    assert total.rows[0]["interactions"] == 3
    assert "interactions" in [c.name for c in by_operator.columns]


def test_inbound_contacts_of_another_project_or_day_are_not_counted_x_1(sub, nbo):
    # given contacts in the NBO project today and in the SUB project yesterday
    _contacts(nbo, 2)
    interaction_start(
        project=sub.project,
        actor=sub.operator,
        phone="+79165550001",
        now=NOW - timedelta(days=1),
    )
    # when the SUB report for today is run
    result = run(sub.project, report_for(sub.project, "operators"), DAY, DAY, "operator")
    # then it counts none of them
    assert result.rows == []


@pytest.mark.parametrize(
    ("world_name", "approval", "inbound"),
    [("cod", True, False), ("shop", True, False), ("dun", False, False)]
    + [("sub", False, True), ("nbo", False, True)],
)
def test_each_playbooks_report_page_explains_its_own_figures_x_11(
    request, db, client, world_name, approval, inbound
):
    # given a project of each playbook and its supervisor
    world = request.getfixturevalue(world_name)
    client.force_login(world.supervisor)
    # when the supervisor opens the report page (in English)
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        response = client.get(f"/p/{world.project.slug}/supervisor", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    section = html.split('data-report="operators"', 1)[1].split("</section>", 1)[0]
    # then the operators table's note explains this playbook's figures only
    assert (APPROVAL_NOTE in section) is approval
    assert ('data-col="approval_rate"' in section) is approval
    assert (INBOUND_NOTE in section) is inbound
    assert ('data-col="interactions"' in section) is inbound
    assert "Calls are call attempts" in section


def test_the_operators_note_is_the_projects_own_nbo_5_x_11(nbo):
    # the note is the report's, per project: no approval note where nobody approves
    report = report_for(nbo.project, "operators")
    with translation.override("en"):
        text = str(report.describe(nbo.project))
    assert INBOUND_NOTE in text and APPROVAL_NOTE not in text
