"""Every 2xx JSON answer under /api/v1 that the suite receives is checked against the
emulator's own OpenAPI document (the conftest wraps the Flask test client and requests).

The check is stricter than the document: an object may hold only the properties its
schema names, and timestamps are ISO-8601 UTC with milliseconds and `Z` (SPEC §3), so a
field the document forgets, or a timestamp written another way, fails the test that got it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import orjson
from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

API = "/api/v1/"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _closed(node: Any) -> Any:
    """The schema with every object that names its properties closed to any other."""
    if isinstance(node, dict):
        node = {key: _closed(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_closed(value) for value in node]
    return node


def _formats() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(lambda value: not isinstance(value, str)
                                or bool(TIMESTAMP.match(value)))
    checker.checks("date")(lambda value: not isinstance(value, str) or bool(DAY.match(value)))
    return checker


class AnswerChecker:
    """Validates answers against the document of an app built for the purpose, once."""

    def __init__(self, make_app: Callable[[], Flask]) -> None:
        self.make_app = make_app
        self.checked = 0
        self._urls: MapAdapter | None = None
        self._doc: dict[str, Any] = {}
        self._operations: dict[str, dict[str, Any]] = {}
        self._validators: dict[tuple[str, int], Draft202012Validator] = {}

    def _load(self) -> MapAdapter:
        if self._urls is None:
            from tpc_mock.api.openapi import build_document

            app = self.make_app()
            self._doc = _closed(copy.deepcopy(build_document("http://localhost")))
            self._operations = {op["operationId"]: op for item in self._doc["paths"].values()
                                for op in item.values()}
            self._urls = app.url_map.bind("localhost")
        return self._urls

    def _validator(self, operation_id: str, status: int) -> Draft202012Validator:
        key = (operation_id, status)
        if key not in self._validators:
            answer = self._operations[operation_id]["responses"].get(str(status))
            assert answer is not None, f"{operation_id}: status {status} is not in the document"
            schema = {**answer["content"]["application/json"]["schema"],
                      "components": self._doc["components"]}
            self._validators[key] = Draft202012Validator(schema, format_checker=_formats())
        return self._validators[key]

    @staticmethod
    def wanted(method: str, url: str, status: int, mimetype: str) -> bool:
        """Whether an answer is one to check: a 2xx JSON answer under /api/v1."""
        return (200 <= status < 300 and urlsplit(url).path.startswith(API)
                and mimetype == "application/json" and method not in ("HEAD", "OPTIONS"))

    def check(self, method: str, url: str, status: int, body: bytes) -> None:
        """Fail (AssertionError) when a 2xx JSON answer of an operation breaks its schema."""
        path = urlsplit(url).path
        try:
            endpoint, _ = self._load().match(path, method=method)
        except HTTPException:
            return
        operation_id = str(endpoint).rsplit(".", 1)[-1]
        if operation_id not in self._operations:
            return  # not an operation (the document itself)
        errors = sorted(self._validator(operation_id, status).iter_errors(orjson.loads(body)),
                        key=lambda e: list(e.absolute_path))
        self.checked += 1
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path)
            raise AssertionError(
                f"{method} {path} ({operation_id}) answered {status} outside the OpenAPI "
                f"document at /{where}: {errors[0].message}"
                + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
