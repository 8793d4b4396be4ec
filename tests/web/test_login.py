"""The web entry: login page, projects limited to the user's own (X-1)."""

from tests.factories import MembershipFactory, UserFactory


def test_login_page_is_served_in_russian_by_default(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="ru"' in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_operator_sees_only_projects_assigned_to_them_x_1(client, cod, shop):
    client.force_login(cod.operator)
    page = client.get("/").content.decode()
    assert cod.project.name in page
    assert shop.project.name not in page


def test_login_with_password_reaches_the_workspace(client, db):
    user = UserFactory(username="op-login")
    MembershipFactory(user=user)
    response = client.post("/login/", {"username": "op-login", "password": "pw"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
