"""SUB screens in real Chromium (screenshots for issue 15): the operator records a
subscriber's purchase on the inbound desk (SUB-3); the supervisor previews an import with
per-row errors, sees SUB-1's progress and decides a refund escalation."""

import re

import pytest

from dozvon.interactions.services import interaction_record
from dozvon.subscriptions.models import Escalation, SubscriptionContact
from tests.browser.test_operator_day import login
from tests.subscriptions.conftest import sub, sub_row  # noqa: F401  (the SUB project fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_records_a_subscribers_purchase_on_the_desk_SUB_3(
    sub,  # noqa: F811 (the fixture imported above)
    pages,  # noqa: F811
    live_server,
    shots,  # noqa: F811
):
    (created,) = sub.upsert(sub_row("IM-77", issues_delivered=88))
    subscription = created.subscription
    page = login(pages, live_server, sub.operator.username)
    page.wait_for_url(re.compile(r"/p/sub/"))
    page.goto(f"{live_server.url}/p/sub/inbound?phone=89161234567")
    page.wait_for_selector(f'[data-subscription="{subscription.pk}"]')
    page.check(f'input[name=subscription][value="{subscription.pk}"]')
    page.select_option(f"select[name=issues_{subscription.pk}]", ["89", "90", "91"])
    page.select_option("select[name=outcome]", "bought_some")
    page.fill("input[name=subject]", "Недоволен ускоренной подпиской")
    page.fill("textarea[name=comment]", "Объяснили приостановку, купил три выпуска")
    shots(page, "19-inbound-subscription")
    page.click(".record button[type=submit]")
    page.wait_for_selector(".messages li")
    shots(page, "20-inbound-subscription-recorded")
    contact = SubscriptionContact.objects.get()
    assert (contact.outcome, contact.issues) == ("bought_some", [89, 90, 91])
    assert "89, 90, 91" in page.locator(f'[data-subscription="{subscription.pk}"]').inner_text()


CSV = (
    "Номер подписки;ФИО;Телефон;Email;Коллекция;План;Всего выпусков;Доставлено выпусков;"
    "Группа;Дата приостановки\n"
    "IM-1;Иванов Иван Иванович;8 916 123-45-67;i@example.com;im;ускоренный;100;88;зелёная;"
    "31.12.2027\n"
    "IM-2;Петров Пётр;123;;im;базовый;100;10;не трогаем;31.12.2027\n"
    "IM-3;Сидорова Анна;+79035550000;;xx;ускоренный;100;10;зелёная;31.12.2022\n"
)


def test_a_supervisor_previews_a_file_follows_progress_and_decides_a_refund(
    sub,  # noqa: F811 (the fixture imported above)
    pages,  # noqa: F811
    live_server,
    shots,  # noqa: F811
    now,
    tmp_path,
):
    page = login(pages, live_server, sub.supervisor.username)
    page.goto(f"{live_server.url}/p/sub/subscriptions/import")
    path = tmp_path / "subs.csv"
    path.write_bytes(("\ufeff" + CSV).encode("utf-8"))
    page.set_input_files("input[type=file]", str(path))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("table.preview-rows")
    assert page.locator("tr.refused").count() == 2
    shots(page, "21-subscriptions-import-preview")
    # the good rows arrive through the service; a refund is escalated
    sub.upsert(sub_row("IM-1"))
    (b,) = sub.upsert(sub_row("IM-9", phone="+79035550000"))
    interaction_record(
        project=sub.project,
        actor=sub.operator,
        phone="+79035550000",
        line="first",
        subject="возврат",
        comment="просит вернуть деньги",
        subscription=b.subscription.pk,
        outcome="refund",
        now=now,
    )
    page.goto(f"{live_server.url}/p/sub/subscriptions")
    page.wait_for_selector("#inform-progress")
    shots(page, "22-subscriptions-list")
    page.goto(f"{live_server.url}/p/sub/escalations")
    page.fill("textarea[name=decision]", "Партнёр вернёт 50% стоимости")
    shots(page, "23-refund-escalations")
    page.click("table.escalations button.primary")
    page.wait_for_selector(".messages li")
    assert Escalation.objects.get().state == "decided"
