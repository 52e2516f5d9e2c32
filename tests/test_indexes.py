"""Indexes kept on every write: ordered listings equal a full sort, TinyDB's table override."""

from __future__ import annotations

import random
from typing import Any

import pytest
from flask.testing import FlaskClient
from tinydb import Query

from tpc_mock.app import create_app
from tpc_mock.seedfile import load_seed
from tpc_mock.store import Store

PAGES = "/api/v1/site/pages"


@pytest.fixture
def unlimited() -> FlaskClient:
    """A client of an app without the rate limit (these tests list a lot)."""
    return create_app({"in_memory": True, "rate_limit": "0"}).test_client()


def naive_listing(pages: list[dict[str, Any]], state: str, field: str,
                  desc: bool) -> list[str]:
    """The order the API documents, by a full sort: missing values last either way."""
    kept = [p for p in pages if state == "all" or (p.get("deletedAt") is None) == (
        state == "active")]
    present = sorted((p for p in kept if p.get(field) is not None),
                     key=lambda p: (p[field], p["id"]), reverse=desc)
    missing = sorted((p for p in kept if p.get(field) is None), key=lambda p: p["id"],
                     reverse=desc)
    return [p["id"] for p in present + missing]


def test_ordered_listing_matches_a_full_sort_through_random_writes(
        unlimited: FlaskClient, full_key: str) -> None:
    client = unlimited
    rng = random.Random(7)
    store = client.application.extensions["tpc_mock"].store
    stamps = [f"2026-0{m}-1{d}T00:00:00.000Z" for m in range(1, 4) for d in range(3)]
    for n in range(120):  # creates, changes, soft deletes and restores, before and after reads
        action = rng.random()
        live = store.find("pages", "productId", "product_123")
        if action < 0.5 or not live:
            store.insert("pages", {"id": f"page_r{n:03d}", "productId": "product_123",
                                   "organizationId": "org_123", "title": "t",
                                   "filePath": f"r/{n}", "status": "published", "type": "page",
                                   "isManual": True, "createdAt": rng.choice(stamps),
                                   "updatedAt": rng.choice(stamps), "deletedAt": None})
        else:
            page = rng.choice(live)
            store.update("pages", page["id"], {
                "updatedAt": rng.choice(stamps), "status": rng.choice(["draft", "published"]),
                "deletedAt": rng.choice([None, rng.choice(stamps)])})
        if n % 30 == 0:
            check_every_order(client, full_key, store)
    check_every_order(client, full_key, store)


def check_every_order(client: FlaskClient, key: str, store: Store) -> None:
    everything = store.find("pages", "productId", "product_123")
    for status in (None, "draft"):  # no filter, and a filter answered by its own index
        pages = [p for p in everything if status is None or p["status"] == status]
        check_orders(client, key, pages, {"status": status} if status else {})


def check_orders(client: FlaskClient, key: str, pages: list[dict[str, Any]],
                 filters: dict[str, str]) -> None:
    for state in ("active", "archived", "all"):
        for field in ("createdAt", "updatedAt", "deletedAt"):
            for direction in ("asc", "desc"):
                expected = naive_listing(pages, state, field, direction == "desc")
                got: list[str] = []
                for number in range(1, 100):
                    data = client.get(PAGES, headers={"x-api-key": key}, query_string={
                        "productId": "product_123", "archivedStatus": state, "orderBy": field,
                        "orderByDirection": direction, "pageSize": 7, "page": number,
                        **filters}).get_json()["data"]
                    assert data["total"] == len(expected)
                    got += [item["id"] for item in data["items"]]
                    if number >= data["totalPages"]:
                        break
                assert expected or state != "all", f"{filters}: nothing to compare"
                assert got == expected, f"{state} by {field} {direction}"


def test_filtered_listing_keeps_the_order_and_counts(client: FlaskClient, full_key: str) -> None:
    data = client.get(PAGES, headers={"x-api-key": full_key}, query_string={
        "productId": "product_123", "status": "published", "orderBy": "updatedAt",
        "orderByDirection": "asc", "pageSize": 5, "page": 2}).get_json()["data"]
    store = client.application.extensions["tpc_mock"].store
    published = [p for p in store.find("pages", "productId", "product_123")
                 if p["status"] == "published" and p.get("deletedAt") is None]
    expected = naive_listing(published, "active", "updatedAt", False)
    assert len(expected) > 10
    assert data["total"] == len(expected)
    assert [item["id"] for item in data["items"]] == expected[5:10]


def test_lists_and_path_lookups_do_not_walk_a_product(
        client: FlaskClient, full_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.find

    def guarded(self: Store, table: str, field: Any, value: Any) -> list[dict[str, Any]]:
        if table == "pages" and field == "productId":
            raise AssertionError("a request read every page of a product")
        return real(self, table, field, value)

    monkeypatch.setattr(Store, "find", guarded)
    key = {"x-api-key": full_key}
    tenant = {**key, "x-tpc-product-id": "product_123", "x-tpc-organization-slug": "example-org"}
    calls = [
        client.get(PAGES, query_string={"productId": "product_123"}, headers=key),
        client.get(PAGES, query_string={"productId": "product_123", "orderBy": "updatedAt",
                                        "orderByDirection": "asc", "page": 2}, headers=key),
        client.post(PAGES, headers=key, json={"productId": "product_123", "pages": [
            {"slug": "pricing", "title": "dup", "content": "c"},
            {"slug": "fresh/one", "title": "new", "content": "c"}]}),
        client.get("/api/v1/md/by-path/pricing", headers=tenant),
    ]
    assert [c.status_code for c in calls] == [200] * len(calls)
    created = calls[2].get_json()["data"]
    assert (created["createdCount"], created["failed"][0]["slug"]) == (1, "pricing")


def test_tinydb_table_override_writes_in_place_and_keeps_tinydbs_api() -> None:
    store = Store(dict(load_seed()["tables"]), frozen=False)
    table = store._db.table("pages")
    live = store._storage.data["pages"]
    store.update("pages", "page_123", {"title": "Changed"})
    assert store._storage.data["pages"] is live, "the table dict is updated in place"
    assert table.get(doc_id="page_123")["title"] == "Changed"  # type: ignore[index]
    assert [d.doc_id for d in table.search(Query().title == "Changed")] == ["page_123"]
    table.remove(doc_ids=["page_123"])  # TinyDB's own writes go through the override too
    assert "page_123" not in live and store._storage.data["pages"] is live
