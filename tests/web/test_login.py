"""The web entry: login (throttled, see test_login_throttle.py), projects limited to the
user's own (X-1)."""

from tests.factories import MembershipFactory, UserFactory


def test_login_page_is_served_in_russian_by_default(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="ru"' in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_operator_of_one_project_lands_in_its_workspace_x_1(client, cod, shop):
    client.force_login(cod.operator)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/p/cod/"
    page = response.content.decode()
    assert cod.project.name in page and shop.project.name not in page


def test_workspace_of_another_project_is_not_found_x_1(client, cod, shop):
    client.force_login(cod.operator)
    assert client.get("/p/shop/").status_code == 404
    assert client.get(f"/orders/{shop.intake().pk}/").status_code == 404


def test_login_with_password_reaches_the_workspace(client, db):
    user = UserFactory(username="op-login")
    MembershipFactory(user=user)
    response = client.post("/login/", {"username": "op-login", "password": "pw"})
    assert response.status_code == 302
    assert client.get("/", follow=True).status_code == 200


def test_five_failed_logins_lock_the_username_even_for_the_right_password(client, db):
    # given a user whose password is being guessed from one address
    UserFactory(username="op-guess")
    for _ in range(4):
        response = client.post("/login/", {"username": "op-guess", "password": "wrong"})
        assert response.status_code == 200
    # when the fifth guess fails, then the username is locked out from this address
    assert client.post("/login/", {"username": "op-guess", "password": "wrong"}).status_code == 429
    # and the right password that comes next is refused for now
    response = client.post("/login/", {"username": "op-guess", "password": "pw"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # while another user is not affected
    UserFactory(username="op-other")
    ok = client.post("/login/", {"username": "op-other", "password": "pw"})
    assert ok.status_code == 302
