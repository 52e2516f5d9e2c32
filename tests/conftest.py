"""Shared fixtures: an in-memory app, its client, the seed's credentials."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tpc_mock.app import create_app
from tpc_mock.records import FROZEN_ENV

# Every store in the suite hands out read-only records, so a caller that changes a
# record it was given fails its test (the store shares records between readers).
os.environ[FROZEN_ENV] = "1"


@pytest.fixture
def app() -> Flask:
    return create_app({"in_memory": True})


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
