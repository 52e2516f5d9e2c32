"""/api/v1/analytics: request models (share of voice, the SDK's events) and the shapes of
the answers; both build the OpenAPI entries."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from ..models import OMITTED, Model, QueryInt
from ..schemas import Day, ProductRef, Timestamp


class SovQuery(Model):
    productId: str | None = Field(None, min_length=1, description="Product ID to use as the primary SOV scope.")
    brandId: str | None = Field(None, min_length=1, json_schema_extra={"deprecated": True},
                                description="Deprecated. Use productId instead.")
    by: Literal["prompt", "topic", "engine"] | None = None
    promptId: str | None = Field(None, min_length=1)
    topicId: str | None = Field(None, min_length=1)
    engine: str | None = Field(None, min_length=1)
    start: str | None = Field(None, description="First day (YYYY-MM-DD or ISO timestamp)")
    end: str | None = Field(None, description="Last day (YYYY-MM-DD or ISO timestamp)")
    page: QueryInt = Field(1, ge=1)
    pageSize: QueryInt = Field(20, ge=1, le=100)
    sortBy: Literal["sov", "mentions", "runs", "label"] | None = None
    sortDirection: Literal["asc", "desc"] | None = None


def _one_scalar_issue(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A value that is no JSON scalar: one issue at its own path (a plain union gives one per
    member, each under the member's Python name: `properties.a.str`, `properties.a.int`...)."""
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "scalar_type", "Input should be a string, a number, a boolean or null") from None


Scalar = Annotated[str | int | float | bool | None, WrapValidator(_one_scalar_issue)]


class EventPage(Model):
    href: str
    canonicalUrl: str | None = None
    domain: str = OMITTED
    pathname: str = OMITTED
    title: str | None = None


class EventRequest(Model):
    clientIp: str | None = None
    method: str | None = None
    referrer: str | None = None
    userAgent: str | None = None


class EventSdk(Model):
    name: str = OMITTED
    runtime: str = OMITTED
    version: str = OMITTED


class CreateEventBody(Model):
    event: Literal["page_visit"]
    page: EventPage
    anonymousId: str | None = None
    eventId: str = OMITTED
    occurredAt: str = Field(OMITTED, description="ISO-8601 timestamp; defaults to receipt")
    properties: dict[str, Scalar] = OMITTED
    request: EventRequest = OMITTED
    sdk: EventSdk = OMITTED
    sessionId: str | None = None


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
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


class AnalyticsEventReceipt(TypedDict):
    accepted: Literal[True]
    eventId: str
    receivedAt: Timestamp
    status: Literal["accepted"]


class AnalyticsEventAck(TypedDict):
    """The SDK's acknowledgement: a second `{ok, data}` inside the envelope."""

    ok: Literal[True]
    data: AnalyticsEventReceipt
