"""Integers in query strings: an optional minus and ASCII digits, nothing Python alone reads."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel

from tests.helpers import assert_error
from tpc_mock.api import blueprints
from tpc_mock.api.registry import OPERATIONS
from tpc_mock.console import FeedQuery, TableQuery
from tpc_mock.control import JournalQuery

blueprints()  # every operation declared
PAGES = "/api/v1/site/pages"
NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"
LENIENT = ["1_0", " 4", "4 ", "+4", "4.0", "1e1", "0x10", "", "\u0664", "\uff14", "4\n", "- 4"]


def _listing(client: FlaskClient, key: str, **query: str) -> Any:
    return client.get(PAGES, query_string={"productId": "product_123", **query},
                      headers={"x-api-key": key})


@pytest.mark.parametrize("name", ["page", "pageSize"])
@pytest.mark.parametrize("value", LENIENT)
def test_what_only_python_reads_as_an_integer_is_not_one(
        client: FlaskClient, full_key: str, name: str, value: str) -> None:
    """`1_0`, ` 4`, `+4`, `4.0`, `٤`: pydantic's lax int() took them all but `1e1`, `0x10` and
    the empty value; a TypeScript parser reads them differently or not at all."""
    error = assert_error(_listing(client, full_key, **{name: value}), 422, "VALIDATION_ERROR",
                         "validation failed")
    assert error["details"]["issues"] == [{"path": name, "message": NOT_AN_INTEGER}]


def test_a_plus_sign_left_unencoded_is_a_space_and_so_not_an_integer(
        client: FlaskClient, full_key: str) -> None:
    response = client.get(f"{PAGES}?productId=product_123&page=+4", headers={"x-api-key": full_key})
    error = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    assert error["details"]["issues"] == [{"path": "page", "message": NOT_AN_INTEGER}]


@pytest.mark.parametrize(("value", "number"), [("04", 4), ("4", 4), ("0010", 10)])
def test_leading_zeros_are_the_same_integer_everywhere(
        client: FlaskClient, full_key: str, value: str, number: int) -> None:
    response = _listing(client, full_key, page=value, pageSize=value)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert (data["page"], data["pageSize"]) == (number, number)


@pytest.mark.parametrize(("value", "message"), [
    ("-4", "Input should be greater than or equal to 1"),
    ("-0", "Input should be greater than or equal to 1"),
    ("0101", "Input should be less than or equal to 100"),
])
def test_a_signed_or_padded_integer_still_meets_its_bounds(
        client: FlaskClient, full_key: str, value: str, message: str) -> None:
    error = assert_error(_listing(client, full_key, pageSize=value), 422, "VALIDATION_ERROR",
                         "validation failed")
    assert error["details"]["issues"] == [{"path": "pageSize", "message": message}]


def _integer_params(model: type[BaseModel]) -> list[str]:
    return [name for name, field in model.model_fields.items()
            if field.annotation in (int, int | None)]


PARAMS = {"appId": "app_123", "id": "page_123", "orgId": "org_123", "productId": "product_123"}
QUERIES = [(re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], op.path), name)
           for op in OPERATIONS if op.query is not None for name in _integer_params(op.query)]
QUERIES += [("/__mock/requests", name) for name in _integer_params(JournalQuery)]
QUERIES += [("/__mock/console/feed", name) for name in _integer_params(FeedQuery)]
QUERIES += [("/__mock/console/tables/pages", name) for name in _integer_params(TableQuery)]


def test_every_query_model_with_integers_is_covered() -> None:
    paths = {path for path, _ in QUERIES}
    assert {PAGES, "/api/v1/analytics/sov", "/api/v1/conversation-queries", "/api/v1/views",
            "/api/v1/agent-simulation/runs"} <= paths
    assert len(QUERIES) == 16


@pytest.mark.parametrize(("path", "name"), QUERIES, ids=lambda v: str(v))
@pytest.mark.parametrize("value", ["1_0", " 4", "0x10"])
def test_every_integer_parameter_follows_the_one_rule(
        client: FlaskClient, bearer: str, path: str, name: str, value: str) -> None:
    response = client.get(path, query_string={name: value},
                          headers={"Authorization": f"Bearer {bearer}"})
    error = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    assert {"path": name, "message": NOT_AN_INTEGER} in error["details"]["issues"], error
