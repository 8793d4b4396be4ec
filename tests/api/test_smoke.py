def test_intake_twice_with_one_external_id_gives_one_order(cod, api_for):
    # given a partner of the COD project
    api = api_for(cod.partner)
    body = {
        "external_id": "A-1",
        "customer": {"name": "Петров Пётр", "phone": "8 916 111-22-33"},
        "items": [{"sku": cod.products[0].sku, "quantity": 1}],
    }
    # when the same order arrives twice
    first = api.post("/projects/cod/orders", body)
    second = api.post("/projects/cod/orders", body)
    # then one order exists
    assert first.status_code == 201, first.data
    assert second.status_code == 200
    assert first.data["id"] == second.data["id"]
    assert first.data["customer"]["phone"] == "+79161112233"
    assert cod.project.orders.count() == 1
