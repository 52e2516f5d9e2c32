"""The 422 issues `web.validate` gives speak of JSON, never of the emulator's Python classes."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import types
from collections.abc import Iterator
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel

import tpc_mock
from tests.helpers import assert_error
from tpc_mock.api import blueprints
from tpc_mock.api.registry import OPERATIONS
from tpc_mock.control import ApiKeyIn, BearerTokenIn, FaultIn, RestoreIn

blueprints()  # every operation declared
OBJECT = "Input should be an object"
Position = tuple[str | int, ...]


def _class_names() -> set[str]:
    """Every class the project defines, by the name a traceback would show."""
    names = set()
    for info in pkgutil.walk_packages(tpc_mock.__path__, "tpc_mock."):
        module = importlib.import_module(info.name)
        names |= {name for name, cls in inspect.getmembers(module, inspect.isclass)
                  if cls.__module__ == module.__name__}
    return names - {"Field"}  # auth.routes.Field, and pydantic's "Field required" (English)


CLASS_NAMES = _class_names()
WORDS = "|".join(sorted(CLASS_NAMES))
LEAK = re.compile(rf"\b(?:{WORDS})\b|instance of|dictionary|Value error|model|dataclass")


def _object_positions(annotation: Any, at: Position) -> Iterator[Position]:
    """Where, under `at`, a value of this annotation has to be a JSON object."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        yield from _object_positions(args[0], at)
    elif origin in (Union, types.UnionType):
        if any(inspect.isclass(a) and issubclass(a, BaseModel) for a in args):
            yield at  # a discriminated union of objects: the members hold no objects
        else:
            for arg in args:
                yield from _object_positions(arg, at)
    elif origin is list:
        yield from _object_positions(args[0], (*at, 0))
    elif origin is dict or annotation is dict:
        yield at
    elif inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        yield at
        for name, field in annotation.model_fields.items():
            yield from _object_positions(field.annotation, (*at, name))


def _body_with(position: Position, value: Any) -> Any:
    """The smallest body that puts `value` at `position`."""
    for step in reversed(position):
        value = [value] if isinstance(step, int) else {step: value}
    return value


PARAMS = {"appId": "app_123", "id": "page_123", "orgId": "org_123", "routeId": "route_x",
          "resourceId": "product_123", "productId": "product_123"}
CONTROL = {"/__mock/faults": FaultIn, "/__mock/restore": RestoreIn,
           "/__mock/api-keys": ApiKeyIn, "/__mock/bearer-tokens": BearerTokenIn}
Case = tuple[str, str, type[BaseModel], Position]


def _cases() -> Iterator[Case]:
    bodies: list[tuple[str, str, type[BaseModel]]] = [
        (op.method, re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], op.path), op.body)
        for op in OPERATIONS if op.body is not None]
    bodies += [("POST", path, model) for path, model in CONTROL.items()]
    for method, path, model in bodies:
        for position in dict.fromkeys(_object_positions(model, ())):
            yield method, path, model, position


CASES = list(_cases())


def _case_id(case: Case) -> str:
    method, path, _, position = case
    return f"{method} {path} {'.'.join(map(str, position)) or '(body)'}"


def test_the_cases_reach_every_body_model_and_its_nested_objects() -> None:
    bodies = {op.body for op in OPERATIONS if op.body is not None}
    assert {model for _, _, model, _ in CASES} == bodies | set(CONTROL.values())
    nested = {".".join(map(str, p)) for _, path, _, p in CASES if path == "/api/v1/site/pages"}
    assert {"pages.0"} <= nested  # NewPage and PageChange, the leaks found first
    assert len(CASES) > len(bodies) + len(CONTROL)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
@pytest.mark.parametrize("value", [1, "x", [], True])
def test_a_non_object_where_an_object_belongs_names_no_class(
        client: FlaskClient, bearer: str, case: Case, value: Any) -> None:
    method, path, _, position = case
    response = client.open(path, method=method, data=json.dumps(_body_with(position, value)),
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {bearer}"})
    issues = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")["details"]["issues"]
    assert {"path": ".".join(map(str, position)), "message": OBJECT} in issues, issues
    leaks = [i for i in issues if LEAK.search(i["message"]) or LEAK.search(i["path"])]
    assert leaks == [], leaks


@pytest.mark.parametrize(("method", "body", "issue"), [
    ("POST", {"productId": "product_123", "pages": [1]}, {"path": "pages.0", "message": OBJECT}),
    ("PATCH", {"productId": "product_123", "pages": ["page_123"]},
     {"path": "pages.0", "message": OBJECT}),
    ("DELETE", [], {"path": "", "message": OBJECT}),
])
def test_a_page_that_is_not_an_object_gets_the_json_word(
        client: FlaskClient, full_key: str, method: str, body: Any,
        issue: dict[str, str]) -> None:
    response = client.open("/api/v1/site/pages", method=method, json=body,
                           headers={"x-api-key": full_key})
    error = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    assert error["details"]["issues"] == [issue]


def test_a_validator_s_own_words_lose_python_s_exception_name(
        client: FlaskClient, full_key: str) -> None:
    body = {"mode": "full_shadow", "fallbackOrigin": {"url": "ftp://files.example.com"}}
    response = client.post("/api/v1/domain/domain_123/routing/validate", json=body,
                           headers={"x-api-key": full_key})
    error = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    assert error["details"]["issues"] == [
        {"path": "fallbackOrigin.url", "message": "must be an absolute http(s) URL"}]


def test_an_event_property_that_is_no_scalar_is_one_issue_at_its_own_path(
        client: FlaskClient, full_key: str) -> None:
    """Not one issue per member of the union, each under its Python type (`properties.a.str`)."""
    body = {"event": "page_visit", "page": {"href": "https://x"}, "properties": {"a": [1]}}
    response = client.post("/api/v1/analytics/events", json=body, headers={"x-api-key": full_key})
    error = assert_error(response, 422, "VALIDATION_ERROR", "validation failed")
    assert error["details"]["issues"] == [
        {"path": "properties.a", "message": "Input should be a string, a number, a boolean or null"}]
