"""Shared fixtures: an in-memory app, its client, the seed's credentials.

Building the app costs far more than putting it back to the seed, so the suite builds one
app per configuration and resets it (store, clock, journal, faults, rate limits,
idempotency, in-memory state) before each test that asks for one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tpc_mock.app import create_app
from tpc_mock.control import SNAPSHOTS_KEY
from tpc_mock.records import FROZEN_ENV

from .helpers import AppFactory
from .openapi_check import AnswerChecker

# Every store in the suite hands out read-only records, so a caller that changes a
# record it was given fails its test (the store shares records between readers).
os.environ[FROZEN_ENV] = "1"


_APPS: dict[str, Flask] = {}


def _app_for(config: dict[str, Any]) -> Flask:
    key = repr(sorted(config.items()))
    if key not in _APPS:
        _APPS[key] = create_app(config)
    return _APPS[key]


ANSWERS = AnswerChecker(lambda: _app_for({"in_memory": True}))


@pytest.fixture(scope="session", autouse=True)
def _answers_match_the_openapi_document() -> Iterator[None]:
    """Every 2xx JSON answer under /api/v1, through the Flask test client or requests, is
    validated against /api/v1/openapi.json; a mismatch fails the test that got it."""
    flask_open, requests_send = FlaskClient.open, requests.Session.send

    def open_checked(self: FlaskClient, *args: Any, **kwargs: Any) -> Any:
        response = flask_open(self, *args, **kwargs)
        seen = (response.request.method, response.request.path, response.status_code)
        if ANSWERS.wanted(*seen, response.mimetype or ""):
            ANSWERS.check(*seen, response.get_data())
        return response

    def send_checked(self: requests.Session, request: Any, **kwargs: Any) -> Any:
        response = requests_send(self, request, **kwargs)
        seen = (request.method or "", request.url or "", response.status_code)
        mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
        if not kwargs.get("stream") and ANSWERS.wanted(*seen, mimetype):
            ANSWERS.check(*seen, response.content)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FlaskClient, "open", open_checked)
        patch.setattr(requests.Session, "send", send_checked)
        yield


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(
        f"openapi: {ANSWERS.checked} 2xx answers under /api/v1 checked against the OpenAPI document")


def reset_app(app: Flask) -> Flask:
    """Put an app back to the state `create_app` left it in: the runtime's reset, plus what
    a reset rightly keeps (the console's keep-answers window, the snapshots taken)."""
    rt = app.extensions["tpc_mock"]
    rt.reset()
    rt.console_until = 0.0
    app.extensions.pop(SNAPSHOTS_KEY, None)
    return app


@pytest.fixture
def fresh_app() -> AppFactory:
    """An in-memory app for these config overrides, as fresh as `create_app` makes it.

    One app per configuration for the whole session, reset before it is handed out; a test
    that needs the app itself rebuilt (a data file, a startup path) calls create_app.
    """
    def make(**overrides: Any) -> Flask:
        return reset_app(_app_for({"in_memory": True, **overrides}))

    return make


@pytest.fixture
def app(fresh_app: AppFactory) -> Flask:
    return fresh_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def creds(client: FlaskClient) -> dict[str, Any]:
    data: dict[str, Any] = client.get("/__mock/fixtures").get_json()["data"]
    return data


@pytest.fixture
def full_key(creds: dict[str, Any]) -> str:
    return str(creds["apiKeys"][0]["key"])


@pytest.fixture
def read_key(creds: dict[str, Any]) -> str:
    return str(creds["apiKeys"][1]["key"])


@pytest.fixture
def revoked_key(creds: dict[str, Any]) -> str:
    return str(creds["apiKeys"][2]["key"])


@pytest.fixture
def other_org_key(creds: dict[str, Any]) -> str:
    return str(creds["apiKeys"][3]["key"])


@pytest.fixture
def bearer(creds: dict[str, Any]) -> str:
    return str(creds["bearerTokens"][0]["token"])


@pytest.fixture
def session_cookie(creds: dict[str, Any]) -> str:
    return str(creds["sessions"][0]["cookie"])
