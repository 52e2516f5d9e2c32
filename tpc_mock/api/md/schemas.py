"""/api/v1/md: the answer's shape (it builds the OpenAPI entries; md takes no request model)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from ..schemas import Timestamp


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
class MarkdownDocument(TypedDict):
    """A published page as markdown."""

    id: str
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None
    filePath: str
    title: str
    content: str
    sourceUrl: str
    isManual: bool
    productId: str
    contentType: Literal["markdown"]
