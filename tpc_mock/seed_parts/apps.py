"""Seed tables for the apps feature: apps, resources, configs, domains, routes, routing."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import timedelta
from typing import Any

from faker import Faker

from ..clock import iso
from ..seeding import SEED_EPOCH
from ..seeding import make_id as _id

Tables = dict[str, dict[str, dict[str, Any]]]
TABLES = ("apps", "appResources", "appConfigs", "appDomains", "appRoutes", "routingConfigs")


def _stamp(rng: random.Random, days_back: int) -> str:
    moment = SEED_EPOCH - timedelta(days=rng.randint(1, days_back), seconds=rng.randint(0, 86399))
    return iso(moment) or ""


def _record(t: Tables, table: str, doc: dict[str, Any]) -> dict[str, Any]:
    t[table][doc["id"]] = doc
    return doc


def _published_pages(t: Tables, product_id: str) -> list[dict[str, Any]]:
    pages = [p for p in t["pages"].values() if p["productId"] == product_id
             and p["status"] == "published" and p["deletedAt"] is None]
    return sorted(pages, key=lambda p: (p["filePath"], p["id"]))


def _app(t: Tables, rng: random.Random, app_id: str, org_id: str, name: str, slug: str,
         config: dict[str, Any], description: str) -> dict[str, Any]:
    created = _stamp(rng, 90)
    app = _record(t, "apps", {"id": app_id, "organizationId": org_id, "name": name, "slug": slug,
                              "metadata": {"description": description}, "createdAt": created,
                              "updatedAt": created, "deletedAt": None})
    _record(t, "appConfigs", {"id": _id(rng, "appconfig"), "appId": app_id,
                              "organizationId": org_id, "productId": None, "config": config,
                              "createdAt": created, "updatedAt": created, "deletedAt": None})
    return app


def _attach(t: Tables, rng: random.Random, app: dict[str, Any], product_id: str) -> None:
    _record(t, "appResources", {"id": _id(rng, "appresource"), "appId": app["id"],
                                "resourceType": "product", "resourceId": product_id,
                                "createdAt": app["createdAt"], "updatedAt": app["createdAt"],
                                "deletedAt": None})


def _route(t: Tables, rng: random.Random, app: dict[str, Any], page: dict[str, Any]) -> None:
    created = _stamp(rng, 30)
    _record(t, "appRoutes", {"id": _id(rng, "route"), "appId": app["id"],
                             "path": "/" + page["filePath"], "targetType": "product_document",
                             "targetId": page["id"], "productId": page["productId"],
                             "createdAt": created, "updatedAt": created})


def _domain(t: Tables, rng: random.Random, app: dict[str, Any], domain_id: str, name: str,
            kind: str, origin: str | None) -> None:
    _record(t, "appDomains", {"id": domain_id, "appId": app["id"], "domain": name,
                              "scope": "app", "productId": None, "cloudflareId": None,
                              "type": kind, "origin": origin, "createdAt": app["createdAt"],
                              "updatedAt": app["createdAt"], "deletedAt": None})


def _routing(t: Tables, domain: dict[str, Any], app_id: str) -> None:
    config = {"version": 1, "hostname": domain["domain"], "mode": "path_routing",
              "fallbackOrigin": {"url": "https://origin.example.com"},
              "paths": [{"id": "docs", "pathPrefix": "/docs",
                         "destination": {"type": "app", "appId": app_id},
                         "preservePathPrefix": True}]}
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    stamp = iso(SEED_EPOCH - timedelta(days=2))
    _record(t, "routingConfigs", {
        "id": domain["id"], "domainId": domain["id"], "config": config, "publishedAt": stamp,
        "publishedHash": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        "publishStatus": "published", "publishError": None, "createdAt": stamp,
        "updatedAt": stamp})


def seed(tables: dict[str, dict[str, dict[str, Any]]], faker_seed: int) -> None:
    """Add this feature's tables to the seed (deterministic for `faker_seed`)."""
    rng = random.Random(faker_seed + 1)
    fake = Faker("en_US")
    fake.seed_instance(faker_seed + 1)
    for name in TABLES:
        tables.setdefault(name, {})
    example = _app(tables, rng, "app_123", "org_123", "Example App", "example-app",
                   {"siteName": "Example App", "defaultLocale": "en",
                    "theme": {"primaryColor": "#4f46e5", "darkMode": False}},
                   "Example Product's pricing, docs and guides, served by TPC.")
    _attach(tables, rng, example, "product_123")
    _domain(tables, rng, example, "appdomain_123", "app.example.com", "web", None)
    _domain(tables, rng, example, _id(rng, "appdomain"), "metrics.example.com", "metric", None)
    pages = _published_pages(tables, "product_123")
    chosen = [p for p in pages if p["id"] == "page_123"]
    chosen += rng.sample([p for p in pages if p["id"] != "page_123"], k=min(5, len(pages) - 1))
    for page in chosen:
        _route(tables, rng, example, page)
    www = next(d for d in tables["domains"].values() if d["domain"] == "www.example.com")
    _routing(tables, www, example["id"])

    # The "Other org (dev)" key's organization gets an app of its own.
    other_key = next(k for k in tables["apiKeys"].values() if k["name"] == "Other org (dev)")
    org_id = other_key["organizationId"]
    product = next(p for p in tables["products"].values() if p["organizationId"] == org_id)
    name = fake.catch_phrase().title()
    other = _app(tables, rng, _id(rng, "app"), org_id, name, "-".join(
        w.lower() for w in name.split() if w.isalnum()) or "app", {"siteName": name},
        fake.sentence(nb_words=10))
    _attach(tables, rng, other, product["id"])
    for page in _published_pages(tables, product["id"])[:2]:
        _route(tables, rng, other, page)
