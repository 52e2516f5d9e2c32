"""/api/v1/conversation-queries: the request model and the answer's shape (they also build the
OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field
from typing_extensions import NotRequired, TypedDict

from ..models import Model, OptionalQueryInt
from ..schemas import Timestamp


class ConversationQueriesQuery(Model):
    page: OptionalQueryInt = Field(None, ge=1)
    pageSize: OptionalQueryInt = Field(None, ge=1, le=500)
    search: str | None = None
    limit: OptionalQueryInt = Field(None, ge=1, le=500)
    brandId: str | None = None
    viewId: str | None = None
    promptId: str | None = None
    promptIds: str | None = Field(None, description="Comma-separated prompt ids")


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
class UserPersonaRef(TypedDict):
    id: str
    name: str


class PromptRef(TypedDict):
    id: str
    message: str


class ConversationQuery(TypedDict):
    id: str
    organizationId: str | None
    promptId: str
    userPersonaId: str | None
    model: str | None
    maxTurns: int | None
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None
    userPersona: NotRequired[UserPersonaRef]
    prompt: PromptRef


class ConversationQueriesPagination(TypedDict):
    page: int
    limit: int
    total: int
    totalPages: int


class ConversationQueries(TypedDict):
    data: list[ConversationQuery]
    pagination: ConversationQueriesPagination
