"""Issue 23 item 15: the playbook API tells a client the project's caller lines, so an API
client can record DUN-7's calls (two a day, from different lines) without guessing."""

from tests.api.support import intake


def test_the_dun_playbook_names_its_caller_lines_and_a_call_from_one_is_recorded_dun_7(
    dun, api_for
):
    # given an operator's API client of the DUN project
    api = api_for(dun.operator)
    # when it reads the playbook
    response = api.get("/projects/dun/playbook")
    # then the caller lines are there, as the playbook file names them
    assert response.status_code == 200
    lines = response.data["caller_lines"]
    assert lines == ["skype", "magna"]
    # and a call attempt naming each of them is accepted (DUN-7/X-8)
    order_id = intake(api_for(dun.partner), dun, payment_method="bank_transfer")["id"]
    for line in lines:
        answer = api.post(f"/orders/{order_id}/calls", {"result": "no_answer", "line": line})
        assert answer.status_code == 201, answer.data
    # and one naming a line the playbook does not have is refused, saying which exist
    answer = api.post(f"/orders/{order_id}/calls", {"result": "no_answer", "line": "viber"})
    assert answer.status_code == 422, answer.data
    assert [(e["rule"], e["field"]) for e in answer.data["errors"]] == [("X-8", "line")]
    assert "skype" in answer.data["errors"][0]["message"]
    assert api.get(f"/orders/{order_id}").data["calls_total"] == len(lines)


def test_a_playbook_without_caller_lines_says_so_with_an_empty_list(cod, api_for):
    # given the COD project, whose playbook has no caller lines
    # when its playbook is read
    response = api_for(cod.operator).get("/projects/cod/playbook")
    # then the list is there and empty: no line is asked for
    assert response.status_code == 200
    assert response.data["caller_lines"] == []


def test_the_openapi_document_declares_the_caller_lines(dun, api_for):
    # given the API's published document
    document = api_for(dun.operator).get("/openapi.json").data
    # when a client generator reads the playbook's schema
    schema = document["components"]["schemas"]["ProjectPlaybookOut"]
    # then caller_lines is a list of strings
    assert schema["properties"]["caller_lines"]["type"] == "array"
