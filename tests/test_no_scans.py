"""Requests never scan whole tables: every lookup goes through an id or an index."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tpc_mock.store import Store

PAGES = "/api/v1/site/pages"


def test_requests_do_not_call_store_all(client: FlaskClient, full_key: str, bearer: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Store, table: str) -> list[dict[str, Any]]:
        raise AssertionError(f"a request scanned the whole {table} table")

    monkeypatch.setattr(Store, "all", refuse)
    key = {"x-api-key": full_key}
    tenant = {**key, "x-tpc-product-id": "product_123", "x-tpc-organization-slug": "example-org"}
    calls = [
        client.get(PAGES, query_string={"productId": "product_123", "q": "a"}, headers=key),
        client.get(PAGES, query_string={"productSlug": "example"}, headers=key),
        client.post(PAGES, headers=key, json={"productId": "product_123", "pages": [
            {"slug": "no-scan", "title": "t", "content": "c"}]}),
        client.get("/api/v1/md/page_123", headers=key),
        client.get("/api/v1/md/by-path/pricing", headers=tenant),
        client.get("/api/v1/apps", headers=tenant),
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"}),
        client.get("/api/v1/products", headers={"Authorization": f"Bearer {bearer}"}),
    ]
    assert [c.status_code for c in calls] == [200] * len(calls)


def test_the_expiry_sweep_reads_tables_at_most_once_per_interval(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from tpc_mock.sweeper import SWEEP_SECONDS

    scanned: list[str] = []
    real_all = Store.all

    def counting(self: Store, table: str) -> list[dict[str, Any]]:
        scanned.append(table)
        return real_all(self, table)

    monkeypatch.setattr(Store, "all", counting)
    for _ in range(3):
        client.get("/api/v1/openapi.json")
        client.post("/__mock/clock", json={"advance": SWEEP_SECONDS / 4})
    assert scanned == [], "no sweep within one interval"
    client.post("/__mock/clock", json={"advance": SWEEP_SECONDS / 4})
    for _ in range(5):
        client.get("/api/v1/openapi.json")
    assert sorted(scanned) == ["deviceCodes", "oauthCodes", "oauthRefreshTokens", "sessions"], \
        "one sweep once it is due"
