"""Answers of the insights operations: share of voice, agent-simulation runs, conversation
queries, views and analytics events (insights_model.py, insights.py, views_model.py and
events.py build them)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import NotRequired, TypedDict

from .common import AnyJson, Day, ProductRef, Timestamp

SortDimension = Literal["sov", "mentions", "runs", "label"]


class SovScope(TypedDict):
    product: ProductRef


class SovPagination(TypedDict):
    page: int
    pageSize: int
    total: int
    totalPages: int


class SovSort(TypedDict):
    sortBy: SortDimension
    sortDirection: Literal["asc", "desc"]
    sortableDimensions: list[SortDimension]


class SovPoint(TypedDict):
    """One day of the window."""

    date: Day
    sov: float
    mentions: int
    runs: int


class SovProduct(TypedDict):
    """The product or one of its competitors over the window."""

    product_id: str
    product_name: str
    sov: float
    mentions: int
    runs: int


class SovRow(TypedDict):
    """One product, prompt, topic or engine, ranked by share of voice."""

    dimension: Literal["product", "prompt", "topic", "engine"]
    key: str
    label: str
    sov: float
    mentions: int
    runs: int
    rank: int


class ShareOfVoice(TypedDict):
    scope: SovScope
    pagination: SovPagination
    sort: SovSort
    timeSeries: list[SovPoint]
    products: list[SovProduct]
    rows: list[SovRow]


class SimulationTaskRef(TypedDict):
    id: str
    name: str
    category: str


class SimulationEnvironmentRef(TypedDict):
    id: str
    name: str
    agentConfig: AnyJson
    task: NotRequired[SimulationTaskRef]


class SimulationRun(TypedDict):
    """A run as stored, with its environment and task (insights._run_item)."""

    id: str
    environmentId: str
    taskId: str | None
    organizationId: str
    status: str
    sandboxId: str | None
    sandboxSnapshot: str | None
    volumeIds: AnyJson
    logS3Keys: AnyJson
    overallScore: float | None
    passed: bool | None
    tokensUsed: int | None
    costUsd: float | None
    metadata: AnyJson
    startedAt: Timestamp | None
    completedAt: Timestamp | None
    duration: int | None
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None
    environment: SimulationEnvironmentRef
    task: NotRequired[SimulationTaskRef]


class SimulationRuns(TypedDict):
    runs: list[SimulationRun]
    total: int


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


class BrandRef(TypedDict):
    id: str
    name: str
    slug: str | None


class View(TypedDict):
    """A view with its live conversation count (views_model.view_item)."""

    id: str
    name: str
    description: str | None
    brandId: str
    organizationId: str | None
    isDefault: bool
    createdAt: Timestamp
    updatedAt: Timestamp
    deletedAt: Timestamp | None
    conversationCount: int
    brand: BrandRef


class Views(TypedDict):
    data: list[View]
    totalPages: int
    totalItems: int


class AnalyticsEventReceipt(TypedDict):
    accepted: Literal[True]
    eventId: str
    receivedAt: Timestamp
    status: Literal["accepted"]


class AnalyticsEventAck(TypedDict):
    """The SDK's acknowledgement: a second `{ok, data}` inside the envelope."""

    ok: Literal[True]
    data: AnalyticsEventReceipt
