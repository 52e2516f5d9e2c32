"""The seed: TPC's documented example world plus a Faker-made one, and dev credentials.

`generate_seed` is deterministic for a given Faker seed; the result is committed as
`seed/default.json` and loaded (never regenerated) by the server (`seedfile`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Faker is imported only to generate a seed, never to serve one
    from faker import Faker

from .auth.scopes import SCOPES
from .auth.secrets import API_KEY_LETTERS, TOKEN_ALPHABET, digest, hash_password
from .clock import iso

SEED_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
FAR_FUTURE = "2099-12-31T23:59:59.000Z"
READ_SCOPES = [s for s in SCOPES if s.endswith(":read")]
PAGE_TYPES = ("page", "blog", "docs", "landing")


def make_id(rng: random.Random, prefix: str) -> str:
    """A seed record id: `prefix_` and 16 lowercase letters or digits from `rng`."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return f"{prefix}_{''.join(rng.choice(alphabet) for _ in range(16))}"


def _stamp(rng: random.Random, days_back: int) -> str:
    moment = SEED_EPOCH - timedelta(days=rng.randint(0, days_back), seconds=rng.randint(0, 86399))
    return iso(moment) or ""


def _api_key(rng: random.Random) -> str:
    return "tpc_" + "".join(rng.choice(API_KEY_LETTERS) for _ in range(64))


def _token(rng: random.Random, length: int = 32) -> str:
    return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(length))


def _page(
    rng: random.Random, fake: Faker, product: dict[str, Any], path: str, title: str, **extra: Any
) -> dict[str, Any]:
    created = _stamp(rng, 300)
    status = extra.pop("status", rng.choice(["published", "published", "published", "draft"]))
    page = {
        "id": extra.pop("id", None) or make_id(rng, "page"),
        "productId": product["id"],
        "organizationId": product["organizationId"],
        "title": title,
        "filePath": path,
        "status": status,
        "type": extra.pop("type", rng.choice(PAGE_TYPES)),
        "isManual": extra.pop("isManual", rng.random() < 0.3),
        "metaTitle": title if rng.random() < 0.7 else None,
        "metaDescription": fake.sentence(nb_words=12) if rng.random() < 0.7 else None,
        "description": fake.sentence(nb_words=8),
        "content": extra.pop("content", None)
        or f"# {title}\n\n" + "\n\n".join(fake.paragraphs(nb=rng.randint(1, 4))),
        "noIndex": False,
        "redirectToUrl": None,
        "publishedAt": created if status == "published" else None,
        "deletedAt": None,
        "createdAt": created,
        "updatedAt": created,
        "domainIds": [],
        "canonicalDomainId": None,
    }
    page.update(extra)
    return page


def generate_seed(faker_seed: int = 20260105, pages: int = 60,
                  progress: Callable[[int], Any] | None = None) -> dict[str, Any]:
    """Build the whole seed document (tables + plaintext dev credentials).

    `progress(n)` is called as pages are made (n more each time), e.g. a progress bar's
    `update`.
    """
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(faker_seed)
    rng = random.Random(faker_seed)
    t: dict[str, dict[str, dict[str, Any]]] = {
        name: {}
        for name in (
            "organizations", "users", "members", "products", "domains", "pages",
            "apiKeys", "sessions", "deviceCodes",
        )
    }
    creds: dict[str, Any] = {"users": [], "apiKeys": [], "bearerTokens": [], "sessions": []}

    def add(table: str, doc: dict[str, Any]) -> dict[str, Any]:
        t[table][doc["id"]] = doc
        return doc

    # TPC's documented example world.
    example_org = add("organizations", {"id": "org_123", "name": "Example Org",
                                        "slug": "example-org", "createdAt": _stamp(rng, 400)})
    orgs = [example_org]
    for _ in range(3):
        name = fake.unique.company()
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        slug = "-".join(part for part in slug.split("-") if part)
        orgs.append(add("organizations", {"id": make_id(rng, "org"), "name": name, "slug": slug,
                                          "createdAt": _stamp(rng, 400)}))

    example_product = add("products", {"id": "product_123", "organizationId": "org_123",
                                       "name": "Example Product", "slug": "example",
                                       "createdAt": _stamp(rng, 350)})
    products = [example_product]
    for org in orgs:  # one Faker-made product per organization
        word = fake.unique.word()
        products.append(add("products", {"id": make_id(rng, "product"), "organizationId": org["id"],
                                         "name": word.capitalize() + " " + fake.word().capitalize(),
                                         "slug": word, "createdAt": _stamp(rng, 350)}))
    for product in products:
        product["updatedAt"] = product["createdAt"]

    # Domains: every product gets a canonical web domain, some a second one.
    for product in products:
        count = 2 if product is example_product else rng.randint(1, 2)
        names = (["docs.example.com", "www.example.com"] if product is example_product
                 else [f"{p}.{fake.domain_name()}" for p in ("docs", "www")[:count]])
        for index, name in enumerate(names):
            add("domains", {"id": "domain_123" if name == "docs.example.com" else make_id(rng, "domain"),
                            "productId": product["id"], "organizationId": product["organizationId"],
                            "domain": name, "type": "web", "status": "active",
                            "isPrimary": index == 0, "createdAt": product["createdAt"]})
    domains_by_product: dict[str, list[dict[str, Any]]] = {}
    for domain in t["domains"].values():
        domains_by_product.setdefault(domain["productId"], []).append(domain)

    # Pages: page_123 "Pricing" first, then Faker pages spread over the products.
    docs_domain = t["domains"]["domain_123"]
    add("pages", _page(rng, fake, example_product, "pricing", "Pricing", id="page_123",
                       status="published", type="page", isManual=True,
                       content="# Pricing\n\nSimple plans for every team.\n",
                       domainIds=[docs_domain["id"]], canonicalDomainId=docs_domain["id"]))
    for index in range(max(0, pages - 1)):
        product = example_product if index % 3 == 0 else rng.choice(products)
        title = fake.catch_phrase()
        section = rng.choice(["", "blog/", "docs/", "guides/"])
        path = section + "-".join(w.lower() for w in title.split()[:4] if w.isalnum())
        page = _page(rng, fake, product, path or f"page-{index}", title)
        if rng.random() < 0.4:
            chosen = domains_by_product[product["id"]][:rng.randint(1, 2)]
            page["domainIds"] = [d["id"] for d in chosen]
            page["canonicalDomainId"] = chosen[0]["id"]
        if rng.random() < 0.1:
            page["deletedAt"] = page["updatedAt"] = iso(SEED_EPOCH - timedelta(days=rng.randint(0, 5)))
        add("pages", page)
        if progress is not None and index % 100 == 99:
            progress(100)

    # Users and memberships: an owner, admin and member of org_123, and an outsider.
    people = [
        ("user_owner", "owner@example.com", "owner", "org_123"),
        ("user_admin", "admin@example.com", "admin", "org_123"),
        ("user_member", "member@example.com", "member", "org_123"),
        ("user_outsider", "outsider@example.com", "owner", orgs[1]["id"]),
    ]
    for org in orgs[2:]:
        people.append((make_id(rng, "user"), fake.unique.email(), "owner", org["id"]))
    for user_id, email, role, org_id in people:
        label = "outsider" if user_id == "user_outsider" else role  # owner of another org
        password = f"{label}-password-{rng.randint(1000, 9999)}"
        created = _stamp(rng, 300)
        add("users", {"id": user_id, "email": email, "name": fake.name(), "emailVerified": True,
                      "image": None, "passwordHash": hash_password(password, rng.randbytes(16)),
                      "createdAt": created, "updatedAt": created})
        add("members", {"id": make_id(rng, "member"), "organizationId": org_id, "userId": user_id,
                        "role": role, "createdAt": created})
        creds["users"].append({"id": user_id, "email": email, "password": password})
    # The owner of org_123 is also a member of a second organization.
    add("members", {"id": make_id(rng, "member"), "organizationId": orgs[2]["id"],
                    "userId": "user_owner", "role": "member", "createdAt": _stamp(rng, 200)})

    # API keys: full scope, read-only, and a revoked one (known to clients, not stored).
    for name, scopes, enabled in (("Full access (dev)", list(SCOPES), True),
                                  ("Read only (dev)", READ_SCOPES, True),
                                  ("Revoked (dev)", list(SCOPES), False)):
        key = _api_key(rng)
        record_id = make_id(rng, "apikey")
        created = _stamp(rng, 60)
        if enabled:
            add("apiKeys", {"id": record_id, "name": name, "start": key[:6], "prefix": "tpc_",
                            "hash": digest(key), "organizationId": "org_123",
                            "userId": "user_owner", "scopes": scopes, "enabled": True,
                            "expiresAt": None, "lastRequest": None, "rateLimitMax": None,
                            "createdAt": created, "updatedAt": created})
        creds["apiKeys"].append({"id": record_id, "name": name, "organizationId": "org_123",
                                 "scopes": scopes, "key": key, "enabled": enabled})
    other_key = _api_key(rng)
    other_id = make_id(rng, "apikey")
    add("apiKeys", {"id": other_id, "name": "Other org (dev)", "start": other_key[:6],
                    "prefix": "tpc_", "hash": digest(other_key), "organizationId": orgs[1]["id"],
                    "userId": "user_outsider", "scopes": list(SCOPES), "enabled": True,
                    "expiresAt": None, "lastRequest": None, "rateLimitMax": None,
                    "createdAt": _stamp(rng, 60), "updatedAt": _stamp(rng, 60)})
    creds["apiKeys"].append({"id": other_id, "name": "Other org (dev)",
                             "organizationId": orgs[1]["id"], "scopes": list(SCOPES),
                             "key": other_key, "enabled": True})

    # A session for the owner and a device-flow bearer token with every scope.
    session_token = _token(rng)
    session_id = make_id(rng, "session")
    add("sessions", {"id": session_id, "userId": "user_owner", "tokenHash": digest(session_token),
                     "expiresAt": FAR_FUTURE, "activeOrganizationId": "org_123",
                     "ipAddress": "127.0.0.1", "userAgent": "tpc-mock seed",
                     "createdAt": iso(SEED_EPOCH), "updatedAt": iso(SEED_EPOCH)})
    creds["sessions"].append({"userId": "user_owner", "token": session_token})
    bearer = _token(rng)
    add("sessions", {"id": make_id(rng, "session"), "userId": "user_owner", "tokenHash": digest(bearer),
                     "expiresAt": FAR_FUTURE, "activeOrganizationId": "org_123",
                     "ipAddress": "127.0.0.1", "userAgent": "tpc CLI (seed)",
                     "scopes": list(SCOPES), "clientId": "tpc-cli",
                     "createdAt": iso(SEED_EPOCH), "updatedAt": iso(SEED_EPOCH)})
    creds["bearerTokens"].append({"userId": "user_owner", "token": bearer, "scopes": list(SCOPES)})

    # Each feature seeds its own tables from its own random stream, so adding one never
    # changes the data (or credentials) generated above.
    from .seed_parts import apps as apps_part
    from .seed_parts import insights as insights_part

    apps_part.seed(t, faker_seed)
    insights_part.seed(t, faker_seed)
    if progress is not None:
        progress(pages % 100 or 100)
    return {"version": 1, "fakerSeed": faker_seed, "tables": t, "credentials": creds}


def write_seed(seed: dict[str, Any], path: Path) -> None:
    """Write a seed document as stable, reviewable JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(seed, indent=1, sort_keys=False, ensure_ascii=False) + "\n",
                    encoding="utf-8")
