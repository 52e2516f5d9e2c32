"""Answers of /api/v1/products/{productId}/knowledge/retrieve (knowledge.py builds them)."""

from __future__ import annotations

from typing_extensions import TypedDict


class KnowledgeSource(TypedDict):
    documentId: str
    sourceUrl: str
    documentType: str
    chunkId: str


class KnowledgeItem(TypedDict):
    """A chunk of a product page that shares terms with the query."""

    title: str
    snippet: str
    score: float
    source: KnowledgeSource


class KnowledgeWarning(TypedDict):
    message: str
    repositoryId: str


class KnowledgeResult(TypedDict):
    items: list[KnowledgeItem]
    warnings: list[KnowledgeWarning]
