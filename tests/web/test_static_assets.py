"""Static assets come from the app itself: no CDN, no front-end build step."""

import re

import pytest


@pytest.mark.parametrize("path", ["/login/", "/api/v1/docs"])
def test_pages_load_scripts_and_styles_only_from_this_server(client, db, path):
    html = client.get(path).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html[:200]
    external = [a for a in assets if re.match(r"(https?:)?//", a)]
    assert external == []


def test_vendored_htmx_is_served(client, db):
    html = client.get("/login/").content.decode()
    [src] = re.findall(r'src="([^"]*htmx[^"]*)"', html)
    response = client.get(src)
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)
