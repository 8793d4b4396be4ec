"""Issue 10, defect 4a: a comment obeys the claim like every other write (COD-9)."""

from tests.api.support import assert_refused, intake, snapshot


def test_another_operator_cannot_comment_on_an_order_someone_holds_cod_9(cod, api_for):
    from tests.factories import MembershipFactory, UserFactory

    # given op1 holds the order
    intake(api_for(cod.partner), cod)
    holder = api_for(cod.operator)
    taken = holder.post("/projects/cod/queues/new/next")
    assert taken.status_code == 200
    other_user = UserFactory(username="cod-operator-2")
    MembershipFactory(user=other_user, project=cod.project, role="operator")
    other = api_for(other_user)
    before = snapshot(holder, taken.data["id"])
    # when another operator comments on it
    response = other.post(f"/orders/{taken.data['id']}/comments", {"text": "мой комментарий"})
    # then it is refused and the holder's version is unchanged
    assert_refused(response, "COD-9", "claimed_by")
    assert snapshot(holder, taken.data["id"]) == before
    # the holder and a supervisor may comment
    assert holder.post(f"/orders/{taken.data['id']}/comments", {"text": "ок"}).status_code == 201
    supervisor = api_for(cod.supervisor)
    assert (
        supervisor.post(f"/orders/{taken.data['id']}/comments", {"text": "ок"}).status_code == 201
    )
