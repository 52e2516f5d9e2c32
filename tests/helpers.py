"""The one assertion every negative test uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from tpc_mock.storage import read_data


def assert_error(response: Any, status: int, code: str, message: str | None = None) -> dict[str, Any]:
    """Assert the `{ok:false, code, message}` envelope with this status (and message)."""
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    assert response.status_code == status, (response.status_code, body)
    assert body["ok"] is False, body
    assert body["code"] == code, body
    if message is not None:
        assert body["message"] == message, body
    assert response.headers.get("x-request-id"), "every response carries x-request-id"
    return dict(body)


def assert_auth_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert better-auth's `{code, message}` error shape under /api/auth."""
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    assert response.status_code == status, (response.status_code, body)
    assert body["code"] == code, body
    assert isinstance(body.get("message"), str), body
    return dict(body)


def stored_tables(path: Path) -> dict[str, Any]:
    """What a data file holds on disk: the document plus its journal, replayed."""
    return read_data(path)


# The `fresh_app` fixture: config overrides in, an in-memory app as fresh as create_app's out.
AppFactory = Callable[..., Flask]
