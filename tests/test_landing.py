"""GET / (the start page) and /favicon.ico."""

from __future__ import annotations

from flask.testing import FlaskClient

from .helpers import AppFactory


def test_the_start_page_links_what_a_newcomer_looks_for(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for href in ("/sign-in", "/device", "/api/v1/openapi.json", "/__mock/fixtures"):
        assert f'href="{href}"' in page
    assert "tpc-mock fixtures --export" in page
    assert response.headers["x-request-id"]


def test_the_start_page_says_when_the_control_api_is_off(fresh_app: AppFactory) -> None:
    page = fresh_app(control=False).test_client().get("/")
    assert 'href="/__mock/fixtures"' not in page.get_data(as_text=True)
    assert "turned off" in page.get_data(as_text=True)


def test_favicon_answers_an_icon(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "max-age" in response.headers["Cache-Control"]


def test_the_start_page_refuses_an_unknown_host(client: FlaskClient) -> None:
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
