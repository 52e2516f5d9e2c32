"""/api/v1/products/{productId}/knowledge/retrieve over the store: a product's knowledge,
by query.

TPC's API reference (knowledge section): `{query, include?}` in, `{items[{title, snippet,
score, source{documentId, sourceUrl, documentType, chunkId}}], warnings[{message,
repositoryId}]}` out. The emulator's documents are the product's pages, cut into chunks at
blank lines and ranked by how many of the query's terms a chunk holds (not by embeddings);
it has no code repositories, so other sources add nothing.
"""

from __future__ import annotations

import re
from typing import Any

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..common import product_domains, reachable_product, source_url
from .schemas import KnowledgeItem, KnowledgeResult, RetrieveKnowledgeBody

WORD = re.compile(r"[^\W_]+", re.UNICODE)
SNIPPET_CHARS = 500


def _terms(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(text)}


def _chunks(page: dict[str, Any]) -> list[str]:
    text = page.get("content") or page.get("description") or ""
    return [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]


def retrieve(rt: Runtime, caller: Caller, product_id: str,
             body: RetrieveKnowledgeBody) -> KnowledgeResult:
    """The product's page chunks that share terms with the query, best first."""
    product = reachable_product(rt, caller, product_id)
    wanted = _terms(body.query)
    sources = body.include if "include" in body.model_fields_set else ["documents"]
    if not wanted or "documents" not in sources:
        return {"items": [], "warnings": []}
    domains = product_domains(rt, product["id"])
    items: list[KnowledgeItem] = []
    for page in rt.store.find("pages", "productId", product["id"]):
        if page.get("deletedAt"):
            continue
        title_terms = _terms(page.get("title") or "")
        for index, chunk in enumerate(_chunks(page)):
            found = wanted & (_terms(chunk) | title_terms)
            if not found:
                continue
            items.append({
                "title": page.get("title") or page["filePath"],
                "snippet": chunk[:SNIPPET_CHARS],
                "score": round(len(found) / len(wanted), 4),
                "source": {"documentId": page["id"],
                           "sourceUrl": source_url(page, product, domains),
                           "documentType": page.get("type") or "page",
                           "chunkId": f"{page['id']}:{index}"},
            })
    items.sort(key=lambda i: (-i["score"], i["source"]["documentId"], i["source"]["chunkId"]))
    return {"items": items, "warnings": []}
