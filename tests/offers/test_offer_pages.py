"""NBO screens: the upload with every refused row named, the KPI, the excluded list, the
offer archive's YES, an interaction's adjustments, the desk's block; each checks who may."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from openpyxl import Workbook

from dozvon.offers.desk import desk_offers, offers_from_post
from dozvon.offers.models import Adjustment, Campaign, Eligibility, OfferResponse, OffersSettings
from tests.offers.conftest import CORPORATE, NUMBER, record


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("ctn.xlsx", data.getvalue())


def test_a_supervisor_uploads_numbers_from_xlsx_and_again_changes_nothing_nbo_1(nbo, client):
    client.force_login(nbo.supervisor)
    rows = [
        ["CTN", "Предложение", "Приоритет", "Тариф"],
        ["8 903 000-00-01", "INBA", 1, "Базовый"],
        ["+7 903 000 00 02", "ROAM", None, "Корпоративный"],
    ]
    response = client.post("/p/telecom/offers/load", {"kind": "eligibility", "file": _xlsx(rows)})
    assert response.status_code == 200 and response.context["result"].created == 2
    again = client.post("/p/telecom/offers/load", {"kind": "eligibility", "file": _xlsx(rows)})
    assert again.context["result"].unchanged == 2
    assert Eligibility.objects.filter(phone="+79030000002", tariff="Корпоративный").exists()


def test_a_file_with_bad_rows_loads_nothing_and_names_each_row_nbo_1(nbo, client):
    client.force_login(nbo.supervisor)
    csv = "code;name;priority;starts_on;ends_on\nNEW;Новая;1;01.12.2026;\nBAD;;x;2026-12-01;\n"
    upload = SimpleUploadedFile("campaigns.csv", csv.encode("utf-8-sig"))
    response = client.post("/p/telecom/offers/load", {"kind": "campaigns", "file": upload})
    assert response.status_code == 422
    assert [(e["row"], e["field"], e["rule"]) for e in response.context["row_errors"]] == [
        (3, "name", "NBO-1"),
        (3, "priority", "NBO-1"),
    ]
    assert not Campaign.objects.filter(code="NEW").exists()


def test_an_operator_may_not_upload_and_another_project_sees_nothing(nbo, shop, client):
    client.force_login(nbo.operator)
    assert client.get("/p/telecom/offers/load").status_code == 403
    assert client.get("/p/telecom/offers/kpi").status_code == 403
    client.force_login(shop.operator)
    for path in ("/p/telecom/offers/", "/p/telecom/offers/archive", "/p/telecom/offers/excluded"):
        assert client.get(path).status_code == 404, path
    client.force_login(nbo.operator)
    assert client.get("/p/shop/offers/").status_code == 404  # a project without offers


def test_the_kpi_page_shows_realized_offers_against_the_target_nbo_5(nbo, now, client):
    record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    record(nbo, now, lost_reason="сорвался")
    client.force_login(nbo.supervisor)
    response = client.get("/p/telecom/offers/kpi", {"from": "2026-11-23", "to": "2026-11-23"})
    assert response.status_code == 200
    total = response.context["total"]
    assert (total["eligible"], total["voiced"], total["below_target"]) == (2, 1, True)
    assert "85 %" in response.content.decode()


def test_the_responsible_person_sees_the_days_excluded_numbers_nbo_4(nbo, now, client):
    record(nbo, now, phone=CORPORATE)
    OffersSettings.objects.create(project=nbo.project, responsible=nbo.operator)
    client.force_login(nbo.operator)
    response = client.get("/p/telecom/offers/excluded", {"day": "2026-11-23"})
    assert response.status_code == 200
    assert [(r["phone"], r["campaign"], r["why"]) for r in response.context["rows"]] == [
        (CORPORATE, "ROAM", "tariff")
    ]
    client.force_login(nbo.second_line)  # an operator who is not the responsible person
    assert client.get("/p/telecom/offers/excluded").status_code == 403


def test_a_later_yes_is_ticked_in_the_offer_archive_nbo_2(nbo, now, client):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "no"}])
    client.force_login(nbo.operator)
    page = client.get("/p/telecom/offers/archive", {"phone": "89161234567"})
    assert [r.pk for r in page.context["responses"]] == [OfferResponse.objects.get().pk]
    assert "archive/yes" in page.content.decode()
    response = client.post(
        "/p/telecom/offers/archive/yes", {"interaction": interaction.pk, "offer": "INBA"}
    )
    assert response.status_code == 303
    assert OfferResponse.objects.get().response == "yes"
    # a second-line operator sees the archive without the button
    client.force_login(nbo.second_line)
    page = client.get("/p/telecom/offers/archive", {"phone": NUMBER})
    assert page.status_code == 200 and not page.context["may_tick"]


def test_an_adjustment_from_the_interactions_page_nbo_6(nbo, now, client):
    interaction = record(nbo, now, offers=[{"offer": "INBA", "response": "yes"}])
    client.force_login(nbo.operator)
    path = f"/p/telecom/offers/interactions/{interaction.pk}"
    assert client.get(path).status_code == 200
    refused = client.post(
        f"{path}/adjustments",
        {"category": "promo_credit", "amount": "9999", "reason": "", "campaign": "INBA"},
    )
    assert refused.status_code == 422
    assert set(refused.context["errors"]) == {"amount", "reason", "comment", "customer_agreed"}
    ok = client.post(
        f"{path}/adjustments",
        {
            "category": "promo_credit",
            "amount": "150,00",
            "reason": "Нет средств",
            "campaign": "INBA",
            "comment": "Начислена ФК",
            "customer_agreed": "on",
        },
    )
    assert ok.status_code == 303 and Adjustment.objects.get().amount == 150


def test_the_desk_block_shows_offers_to_the_first_line_only_nbo_3(nbo, now):
    block = desk_offers(project=nbo.project, phone=NUMBER, user=nbo.operator)
    html = render_to_string("offers/_desk_offers.html", {"nbo": block})
    assert 'name="offer_INBA"' in html and 'name="lost_reason"' in html
    second = desk_offers(project=nbo.project, phone=NUMBER, user=nbo.second_line)
    html = render_to_string("offers/_desk_offers.html", {"nbo": second})
    assert 'name="offer_INBA"' not in html
    excluded = desk_offers(project=nbo.project, phone=CORPORATE, user=nbo.operator)
    assert [e.code for e in excluded["excluded"]] == ["ROAM"]
    assert offers_from_post({"offer_INBA": "yes", "offer_ROAM": "", "lost_reason": " "}) == (
        [{"offer": "INBA", "response": "yes"}],
        None,
    )
