"""X-10, issue 25 item 3: an uploaded subscriptions file is read once, when it is uploaded.
Its rows and its preview are kept; a preview opened again, or polled, never reads the file
(its bytes are not even kept) nor checks its rows again; a hostile file is refused at the
upload and nothing is kept."""

from __future__ import annotations

from datetime import date, datetime

from dozvon.subscriptions import importing, uploads
from dozvon.subscriptions.models import Subscription, SubscriptionImport
from tests.hardening.test_hostile_spreadsheets import _long, _string_bomb, _wide
from tests.subscriptions.support_import import (
    IMPORT,
    csv_file,
    csv_of,
    named,
    row,
    upload,
    xlsx_file,
)


def _counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_preview_opened_many_times_never_reads_the_file_or_checks_its_rows_again(
    sub, client, monkeypatch
):
    # given the parser and the row checks counted, and a file of 300 rows, 2 of them refused
    reads = _counting(monkeypatch, importing, "read_sheet")
    checks = _counting(monkeypatch, uploads, "subscriptions_check")
    rows = [row(n) for n in range(298)] + [
        row(298, phone="123"),
        row(299, collection="xx"),
    ]
    client.force_login(sub.supervisor)
    # when it is uploaded, it is read and checked once
    preview_url = upload(client, csv_file(rows))
    assert (reads, checks) == (["read_sheet"], ["subscriptions_check"])
    # and its preview opened ten times and its status polled ten times
    pages = [client.get(preview_url) for _ in range(10)]
    polls = [client.get(preview_url + "/progress") for _ in range(10)]
    # then the file was neither read nor checked again, and every page says the same
    assert (reads, checks) == (["read_sheet"], ["subscriptions_check"])
    assert all(p.status_code == 200 for p in pages + polls)
    preview = pages[-1].context["preview"]
    assert (preview.total, preview.refused, preview.shown) == (300, 2, 200)
    assert [r.line for r in preview.rows[:2]] == [300, 301]  # refused ones first
    assert ("X-4", "customer.phone") in {(v.rule, v.field) for v in preview.rows[0].violations}
    assert ("X-10", "collection") in {(v.rule, v.field) for v in preview.rows[1].violations}
    assert all(p.context["preview"].rows == preview.rows for p in pages)
    # and nothing of the file but its rows is kept
    assert "content" not in {f.name for f in SubscriptionImport._meta.get_fields()}
    kept = SubscriptionImport.objects.get()
    assert kept.total == 300 and len(kept.rows) == 300 and kept.rows[0][0] == 2


def test_the_preview_page_reads_only_what_was_kept(sub, client, django_assert_max_num_queries):
    # given a file of 2 000 rows uploaded
    client.force_login(sub.supervisor)
    preview_url = upload(client, csv_of(2000))
    # when its preview is opened, then a handful of queries answers it, whatever the rows
    client.get(preview_url)  # the session and caches warmed
    with django_assert_max_num_queries(12):
        page = client.get(preview_url)
    assert page.context["preview"].total == 2000 and page.context["preview"].ok
    assert len(page.context["rows"]) == 200


def test_rows_kept_at_upload_are_written_as_the_cells_said(sub, client):
    # given an XLSX whose numbers and dates are typed cells (not text)
    client.force_login(sub.supervisor)
    file = xlsx_file(
        [
            [
                "X-1",
                "Иванова Анна",
                "+79165550001",
                None,
                "im",
                "accelerated",
                100,
                90.0,
                "green",
                datetime(2027, 12, 31),
            ]
        ]
    )
    # when it is uploaded and committed
    preview_url = upload(client, file)
    assert client.get(preview_url).context["preview"].ok
    assert SubscriptionImport.objects.get().rows[0][1]["issues_total"] == 100
    client.post(preview_url + "/commit")
    # then the subscription has the cells' values
    sub_ = Subscription.objects.get(number="X-1")
    assert (sub_.issues_total, sub_.issues_delivered) == (100, 90)
    assert sub_.suspend_on == date(2027, 12, 31)


def test_a_hostile_workbook_is_refused_at_upload_and_nothing_is_kept(sub, client):
    # given the files of issue 25: a shared-string bomb, 5 million rows, 3 million columns
    client.force_login(sub.supervisor)
    for name, content in (
        ("bomb", _string_bomb()),
        ("long", _long(5_000_000)),
        ("wide", _wide(3_000_000)),
    ):
        # when one is uploaded
        response = client.post(IMPORT, {"file": named(content, "subs.xlsx")})
        # then the upload form says why and nothing is kept
        assert response.status_code == 200, name
        assert response.context["errors"], name
        assert "MB" in response.context["errors"][0] or "МБ" in response.context["errors"][0]
    assert not SubscriptionImport.objects.exists()


def test_an_unreadable_file_is_refused_at_upload_naming_why(sub, client):
    # given a CSV without the required columns
    client.force_login(sub.supervisor)
    file = named("number;name\nA-1;Иванов\n".encode(), "subs.csv")
    # when it is uploaded, then it is refused on the form, nothing kept
    response = client.post(IMPORT, {"file": file})
    assert response.status_code == 200
    assert any("X-10" in e for e in response.context["errors"])
    assert not SubscriptionImport.objects.exists()
