"""Every public operation that takes a body or a query, against TPC's documented types.

The cases come from the hand-written tables in wrong_type_tables.py (read from TPC's OpenAPI
document, not from the emulator's models): each wrong JSON type of each body field, each
bound, enum, pattern and required field, each query value the documented types refuse. Every
case is one test, asserting the whole 422 envelope and its one issue. Each operation's valid
request is asserted to get its 2xx first, so no table passes on a request that was never
valid. Site pages have their own tables in test_hostile.py.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from .helpers import assert_error
from .wrong_type_tables import (
    BODY_LIMITS,
    DOC_REFUSES_EMULATOR_TAKES,
    DOC_TAKES,
    MISSING,
    OPS,
    QUERY_LIMITS,
    UUID_CASES,
    Op,
    one_of,
)

# One value of each JSON type, keyed by its JSON-schema type name.
SAMPLES: dict[str, Any] = {"null": None, "boolean": True, "integer": 7, "number": 1.5,
                           "string": "text", "array": [], "object": {}}
# The JSON types each documented type takes, and the issue every other type gets.
TAKES: dict[str, tuple[set[str], str]] = {
    "string": ({"string"}, "Input should be a valid string"),
    "string?": ({"string", "null"}, "Input should be a valid string"),
    "number": ({"integer", "number"}, "Input should be a valid number"),
    "number?": ({"integer", "number", "null"}, "Input should be a valid number"),
    "boolean": ({"boolean"}, "Input should be a valid boolean"),
    "object": ({"object"}, "Input should be an object"),
    "object?": ({"object", "null"}, "Input should be an object"),
    "scalars": ({"object"}, "Input should be an object"),
    "array": ({"array"}, "Input should be a valid list"),
}


def _wrong_values(doc_type: str) -> Iterator[tuple[Any, str, str]]:
    """(value, issue path suffix, issue message) for each value the documented type refuses."""
    if doc_type == "any":
        return
    if doc_type == "true":  # `enum: [true]`
        for value in (False, *(v for v in SAMPLES.values() if v is not True)):
            yield value, "", "Input should be True"
        return
    if doc_type.endswith("[]"):
        yield from ((v, "", msg) for v, _, msg in _wrong_values("array"))
        item_kinds, item_message = TAKES[doc_type[:-2]]
        for kind, value in SAMPLES.items():
            if kind not in item_kinds:
                yield [value], ".0", item_message
        return
    if doc_type not in TAKES:  # an enum: "a|b", or one word
        values = doc_type.split("|")
        for kind, value in SAMPLES.items():
            if kind != "string":
                yield value, "", one_of(*values)
        yield f"not-{values[0]}", "", one_of(*values)
        return
    kinds, message = TAKES[doc_type]
    for kind, value in SAMPLES.items():
        if kind not in kinds:
            yield value, "", message


def _put(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A copy of `body` with the field at `dotted` set to `value` (or left out: MISSING)."""
    body = copy.deepcopy(body)
    *parents, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    target: Any = body
    for part in parents:
        target = target.setdefault(part, {}) if isinstance(target, dict) else target[part]
    if value is MISSING:
        target.pop(last, None)
    else:
        target[last] = value
    return body


def _id(op_id: str, name: str, value: Any) -> str:
    shown = "missing" if value is MISSING else json.dumps(value)
    return f"{op_id}-{name}-{shown[:40]}"


def _body_cases() -> Iterator[Any]:
    for op_id, op in OPS.items():
        for name, doc_type in op.types.items():
            for value, suffix, message in _wrong_values(doc_type):
                yield pytest.param(op_id, name, value, name + suffix, message,
                                   id=_id(op_id, name, value))
        for name, value, path, message in BODY_LIMITS.get(op_id, []):
            yield pytest.param(op_id, name, value, path, message, id=_id(op_id, name, value))
    for op_id, name, body, path in UUID_CASES:
        why = DOC_REFUSES_EMULATOR_TAKES[(op_id, name)]
        yield pytest.param(op_id, "", body, path, "Input should be a valid UUID",
                           id=_id(op_id, name, body[name]) + "-not-a-uuid",
                           marks=pytest.mark.xfail(strict=True, reason=why))


def _query_cases() -> Iterator[Any]:
    for op_id, cases in QUERY_LIMITS.items():
        for name, value, message in cases:
            yield pytest.param(op_id, name, value, name, message, id=_id(op_id, name, value))


def _send(client: FlaskClient, creds: dict[str, Any], op: Op, request: dict[str, Any]
          ) -> TestResponse:
    """Send `request` as the operation's body or query, with a credential it takes."""
    headers = ({"Authorization": "Bearer " + creds["bearerTokens"][0]["token"]} if op.bearer
               else {"x-api-key": creds["apiKeys"][0]["key"]})
    if op.query:
        return client.open(op.url, method=op.method, query_string=request, headers=headers)
    return client.open(op.url, method=op.method, json=request, headers=headers)


@pytest.mark.parametrize("op_id", list(OPS))
def test_the_valid_request_gets_its_2xx(client: FlaskClient, creds: dict[str, Any],
                                        op_id: str) -> None:
    op = OPS[op_id]
    response = _send(client, creds, op, op.valid)
    assert response.status_code == op.status, response.get_data()[:500]


@pytest.mark.parametrize(("op_id", "name", "value", "path", "message"),
                         [*_body_cases(), *_query_cases()])
def test_a_value_the_docs_refuse_is_one_validation_issue(
        client: FlaskClient, creds: dict[str, Any], op_id: str, name: str, value: Any, path: str,
        message: str) -> None:
    op = OPS[op_id]
    request = _put(op.valid, name, value) if name else value  # no name: the whole body
    body = assert_error(_send(client, creds, op, request), 422, "VALIDATION_ERROR",
                        "validation failed")
    assert body["details"]["issues"] == [{"path": path, "message": message}]


@pytest.mark.parametrize(("op_id", "name", "value"), [
    pytest.param(op_id, name, value, id=_id(op_id, name, value)[:80],
                 marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [])
    for op_id, name, value, why in DOC_TAKES])
def test_a_value_the_docs_take_is_taken(client: FlaskClient, creds: dict[str, Any], op_id: str,
                                        name: str, value: Any) -> None:
    op = OPS[op_id]
    response = _send(client, creds, op, _put(op.valid, name, value))
    assert response.status_code == op.status, response.get_data()[:500]


REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "tpc-openapi.json"
NOT_IN_TPCS_DOCUMENT = {"postAnalyticsEvents", "patchAppsAppIdResourcesResourceId",
                        "postProductsProductIdKnowledgeRetrieve"}  # the SDK's or docs' routes


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference/ is not beside the checkout")
@pytest.mark.parametrize("op_id", sorted(set(OPS) - NOT_IN_TPCS_DOCUMENT))
def test_the_tables_name_the_fields_tpcs_document_lists(op_id: str) -> None:
    """A typo or a forgotten field in the hand-written tables shows here: every body field
    and every query parameter TPC documents for the operation is in the table, and no other."""
    doc = json.loads(REFERENCE.read_text(encoding="utf-8"))
    op = OPS[op_id]
    found = [o for path in doc["paths"].values() for o in path.values()
             if isinstance(o, dict) and o.get("operationId") == op_id]
    assert len(found) == 1, op_id
    if op.query:
        names = {p["name"] for p in found[0].get("parameters", []) if p["in"] == "query"}
        assert names >= set(op.valid) | {n for n, *_ in QUERY_LIMITS[op_id]}
        return
    schema = found[0]["requestBody"]["content"]["application/json"]["schema"]
    assert {n for n in op.types if "." not in n} == set(schema["properties"])
