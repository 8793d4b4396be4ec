"""SUB screens: the inbound desk shows the caller's subscriptions and records SUB-3's
outcome; the supervisor imports a file (preview, then commit), lists subscriptions,
exports the registry (SUB-6) and follows refund escalations."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import Workbook, load_workbook

from dozvon.interactions.services import interaction_record
from dozvon.subscriptions.models import Escalation, Subscription, SubscriptionContact
from tests.subscriptions.conftest import sub_row

HEADER = (
    "Номер подписки;ФИО;Телефон;Email;Коллекция;План;Всего выпусков;Доставлено выпусков;"
    "Группа;Дата приостановки"
)


def csv_file(*lines, header=HEADER):
    text = "\n".join([header, *lines]) + "\n"
    upload = io.BytesIO(("\ufeff" + text).encode("utf-8"))
    upload.name = "subs.csv"
    return upload


def test_the_desk_shows_the_callers_subscriptions_and_records_the_outcome_SUB_3(sub, client):
    (created,) = sub.upsert(sub_row("IM-7"))
    subscription = created.subscription
    client.force_login(sub.operator)
    # found by subscription number and by name, with no order of theirs
    for query in ("IM-7", "иванов иван", "+7 916 123-45-67"):
        page = client.get("/p/sub/inbound", {"q": query})
        (caller,) = page.context["callers"]
        assert caller["subscriptions"][0]["subscription"] == subscription, query
        assert caller["subscriptions"][0]["purchasable"] == list(range(89, 101))
    # a refused outcome comes back with its rule next to the field, nothing written
    response = client.post(
        "/p/sub/inbound/record",
        {
            "phone": "89161234567",
            "subject": "недоволен",
            "comment": "купил два выпуска",
            "subscription": subscription.pk,
            "outcome": "bought_all",
            f"issues_{subscription.pk}": ["89"],
        },
    )
    assert response.status_code == 303 and not SubscriptionContact.objects.exists()
    page = client.get(response["Location"])
    assert page.context["errors"]["issues"] and page.context["form"]["outcome"] == "bought_all"
    # the operator picks the issues and the outcome
    response = client.post(
        "/p/sub/inbound/record",
        {
            "phone": "89161234567",
            "subject": "недоволен",
            "comment": "купил два выпуска",
            "subscription": subscription.pk,
            "outcome": "bought_some",
            f"issues_{subscription.pk}": ["89", "90"],
        },
    )
    assert response.status_code == 303
    contact = SubscriptionContact.objects.get()
    assert (contact.outcome, contact.issues) == ("bought_some", [89, 90])
    page = client.get("/p/sub/inbound", {"q": "IM-7"})
    assert page.context["callers"][0]["subscriptions"][0]["bought"] == [89, 90]


def test_a_file_is_previewed_with_row_errors_and_nothing_is_written_X_10(sub, client):
    client.force_login(sub.supervisor)
    assert client.get("/p/sub/subscriptions/import").status_code == 200
    upload = csv_file(
        "IM-1;Иванов Иван;8 916 123-45-67;i@example.com;im;ускоренный;100;88;зелёная;31.12.2027",
        "IM-2;Петров Пётр;123;;im;базовый;100;10;не трогаем;31.12.2027",
        "IM-3;Сидоров;+79035550000;;xx;ускоренный;100;10;зелёная;31.12.2022",
        "IM-1;Иванов Иван;8 916 123-45-67;;im;ускоренный;100;88;зелёная;31.12.2027",
    )
    response = client.post("/p/sub/subscriptions/import", {"file": upload})
    assert response.status_code == 303
    preview = client.get(response["Location"])
    rows = {r.line: {(v.rule, v.field) for v in r.violations} for r in preview.context["rows"]}
    assert rows[2] == {("X-10", "number")} and rows[5] == {("X-10", "number")}
    assert rows[3] == {("X-4", "customer.phone")}
    assert rows[4] == {("X-10", "collection"), ("X-10", "suspend_on")}
    assert not preview.context["preview"].ok
    # a commit of a refused file writes nothing
    commit = client.post(response["Location"] + "/commit")
    assert commit.status_code == 303 and not Subscription.objects.exists()


def test_an_xlsx_file_is_imported_after_its_preview_and_again_updates_X_10(sub, client):
    client.force_login(sub.supervisor)
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "number",
            "name",
            "phone",
            "email",
            "collection",
            "plan",
            "issues_total",
            "issues_delivered",
            "group",
            "suspend_on",
        ]
    )
    for i in range(3):
        sheet.append(
            [
                f"X-{i}",
                "Иванова Анна",
                f"+7916555000{i}",
                "",
                "im",
                "accelerated",
                100,
                90,
                "green",
                "31.12.2027",
            ]
        )
    content = io.BytesIO()
    book.save(content)
    content.seek(0)
    content.name = "subs.xlsx"
    for expected in ({"created": 3}, {"unchanged": 3}):
        content.seek(0)
        response = client.post("/p/sub/subscriptions/import", {"file": content})
        preview = client.get(response["Location"])
        assert preview.context["preview"].ok, preview.context["rows"]
        client.post(response["Location"] + "/commit")
        upload = preview.context["upload"]
        upload.refresh_from_db()
        assert {k: v for k, v in upload.result.items() if v} == expected
    assert Subscription.objects.count() == 3


def test_the_list_filters_by_phone_number_and_group(sub, client):
    sub.upsert(sub_row("IM-1"), sub_row("IM-2", phone="+79035550000", group="pink"))
    client.force_login(sub.operator)
    numbers = lambda **q: [s.number for s in client.get("/p/sub/subscriptions", q).context["page"]]  # noqa: E731
    assert numbers() == ["IM-1", "IM-2"]
    assert numbers(phone="8 903 555 00 00") == ["IM-2"]
    assert numbers(group="green") == ["IM-1"]
    assert numbers(number="IM-1") == ["IM-1"]


def test_pages_are_refused_outside_the_project_and_to_operators_X_2(sub, shop, client):
    client.force_login(shop.supervisor)
    for url in ("/p/sub/subscriptions", "/p/sub/subscriptions/import", "/p/sub/escalations"):
        assert client.get(url).status_code == 404, url
    client.force_login(sub.operator)
    assert client.get("/p/sub/subscriptions").status_code == 200
    for url in (
        "/p/sub/subscriptions/import",
        "/p/sub/escalations",
        "/p/sub/subscriptions/registry.xlsx",
    ):
        assert client.get(url).status_code == 403, url
    client.force_login(shop.supervisor)
    assert client.get("/p/shop/subscriptions").status_code == 404  # no subscriptions there


def _call(world, now, subscription, outcome, issues=None, comment="объяснили"):
    return interaction_record(
        project=world.project,
        actor=world.operator,
        phone="+79161234567",
        line="first",
        subject="недоволен",
        comment=comment,
        subscription=subscription.pk,
        outcome=outcome,
        issues=issues,
        now=now,
    )


def test_the_registry_export_has_ones_and_the_issues_bought_SUB_6(sub, client, now):
    (a,), (b,) = sub.upsert(sub_row("IM-1")), sub.upsert(sub_row("IM-2", phone="+79035550000"))
    _call(sub, now - timedelta(days=10), a.subscription, "will_think")
    _call(sub, now, a.subscription, "bought_all", comment="купил 12 выпусков")
    _call(sub, now, b.subscription, "refund")
    client.force_login(sub.supervisor)
    response = client.get("/p/sub/subscriptions/registry.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[0] == "Номер подписки" and "Подумает" in header
    first = dict(zip(header, rows[1], strict=True))
    assert first["Номер подписки"] == "IM-1"
    assert (
        first["Подумает"],
        first["Купил все оставшиеся выпуски"],
        first["Остался на ускоренном плане"],
    ) == (1, 1, 0)
    assert first["Куплено выпусков"] == 12 and first["Возврат передан партнёру"] == 0
    assert first["Комментарий"] == "купил 12 выпусков"
    second = dict(zip(header, rows[2], strict=True))
    assert (second["Просит вернуть деньги"], second["Возврат передан партнёру"]) == (1, 1)
    # a date range keeps the subscriptions contacted then
    day = (now - timedelta(days=10)).date().isoformat()
    ranged = client.get("/p/sub/subscriptions/registry.xlsx", {"from": day, "to": day})
    rows = list(
        load_workbook(io.BytesIO(b"".join(ranged.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert [r[0] for r in rows[1:]] == ["IM-1"]


def test_the_supervisor_records_the_partners_decision_on_the_escalations_page_SUB_3(
    sub, client, now
):
    (a,) = sub.upsert(sub_row("IM-1"))
    _call(sub, now, a.subscription, "refund")
    escalation = Escalation.objects.get()
    client.force_login(sub.supervisor)
    page = client.get("/p/sub/escalations")
    assert [e.pk for e in page.context["page"]] == [escalation.pk]
    refused = client.post(f"/p/sub/escalations/{escalation.pk}/decide", {"decision": ""})
    assert refused.status_code == 303
    assert client.get("/p/sub/escalations").context["errors"]
    client.post(f"/p/sub/escalations/{escalation.pk}/decide", {"decision": "вернуть деньги"})
    escalation.refresh_from_db()
    assert escalation.state == "decided" and escalation.decision == "вернуть деньги"
    assert not client.get("/p/sub/escalations").context["page"].object_list


def test_csv_with_commas_and_english_headers_is_read(sub, client):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "number",
            "name",
            "phone",
            "email",
            "collection",
            "plan",
            "issues_total",
            "issues_delivered",
            "group",
            "suspend_on",
        ]
    )
    writer.writerow(
        ["C-1", "Иванов Иван", "+79161234567", "", "im", "base", "100", "90", "", "2027-12-31"]
    )
    upload = io.BytesIO(out.getvalue().encode("utf-8"))
    upload.name = "subs.csv"
    client.force_login(sub.supervisor)
    response = client.post("/p/sub/subscriptions/import", {"file": upload})
    preview = client.get(response["Location"])
    assert preview.context["preview"].ok
    assert preview.context["rows"][0].group == "untouched"  # derived (SUB-1)
