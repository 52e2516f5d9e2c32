"""Cached read answers are exactly what the view would answer, and never outlive a write."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import assert_error
from tpc_mock.readcache import ReadCache

PAGES = "/api/v1/site/pages"
QUERY = {"productId": "product_123", "pageSize": 5}


def rt_of(app: Flask) -> Any:
    return app.extensions["tpc_mock"]


def test_a_repeated_read_is_served_from_the_cache_with_the_same_bytes_and_headers(
        app: Flask, client: FlaskClient, full_key: str) -> None:
    first = client.get(PAGES, query_string=QUERY, headers={"x-api-key": full_key})
    assert len(rt_of(app).reads) == 1
    again = client.get(PAGES, query_string=QUERY, headers={"x-api-key": full_key})
    assert again.status_code == first.status_code == 200
    assert again.get_data() == first.get_data()
    same = {k: v for k, v in again.headers.items() if k != "x-request-id"}
    assert same == {k: v for k, v in first.headers.items() if k != "x-request-id"}
    journal = rt_of(app).journal
    assert [e["path"] for e in list(journal)[-2:]] == [PAGES, PAGES], "both journaled"


def test_every_write_makes_the_next_read_fresh(client: FlaskClient, full_key: str) -> None:
    key = {"x-api-key": full_key}
    before = client.get(PAGES, query_string=QUERY, headers=key).get_json()["data"]
    created = client.post(PAGES, headers=key, json={"productId": "product_123", "pages": [
        {"slug": "cache/new", "title": "Fresh", "content": "c"}]})
    assert created.status_code == 200
    after = client.get(PAGES, query_string=QUERY, headers=key).get_json()["data"]
    assert after["total"] == before["total"] + 1
    assert after["items"][0]["title"] == "Fresh"


def test_cached_reads_still_count_against_the_rate_limit_and_meet_faults(
        client: FlaskClient, full_key: str) -> None:
    key = {"x-api-key": full_key}
    assert client.get(PAGES, query_string=QUERY, headers=key).status_code == 200
    client.post("/__mock/faults", json={"path": PAGES, "status": 503, "times": 1})
    assert_error(client.get(PAGES, query_string=QUERY, headers=key), 503, "SERVICE_UNAVAILABLE")
    limited = None
    for _ in range(400):
        limited = client.get(PAGES, query_string=QUERY, headers=key)
        if limited.status_code != 200:
            break
    assert limited is not None
    assert_error(limited, 429, "TOO_MANY_REQUESTS", "rate_limited")


def test_callers_of_other_organizations_never_share_an_answer(
        client: FlaskClient, full_key: str, creds: dict[str, Any]) -> None:
    assert client.get(PAGES, query_string=QUERY, headers={"x-api-key": full_key}).status_code == 200
    outsider = next(k["key"] for k in creds["apiKeys"]
                    if k["enabled"] and k["organizationId"] != "org_123")
    assert_error(client.get(PAGES, query_string=QUERY, headers={"x-api-key": outsider}),
                 404, "NOT_FOUND")


def test_the_cache_is_bounded_and_drops_stale_versions() -> None:
    cache = ReadCache(max_entries=3, max_bytes=1000)
    for n in range(5):
        cache.put(("k", n), 1, b"x" * 10)
    assert len(cache) == 3 and cache.get(("k", 0), 1) is None and cache.get(("k", 4), 1)
    cache.put(("big",), 1, b"x" * 600)  # over a sixteenth of the bytes: not kept
    assert cache.get(("big",), 1) is None
    cache.put(("k", 9), 2, b"y")  # a write happened: older answers go
    assert len(cache) == 1 and cache.get(("k", 4), 1) is None
    cache.put(("k", 8), 1, b"z")  # computed before that write: not kept
    assert cache.get(("k", 8), 1) is None and cache.get(("k", 8), 2) is None
