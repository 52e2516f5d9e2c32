"""POST /api/v1/analytics/events: the SDK's server-side page_visit events (`v1.analytics.createEvent`).

Shapes follow TPC's TypeScript SDK 0.3.0 (`src/resources/v1/analytics.ts`), whose answer
is the envelope around a second `{ok, data}`. Events are kept per organization (the
newest EVENTS_KEPT), so a test can read back what its app sent.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint
from pydantic import Field

from ..auth.resolve import Caller
from ..runtime import Runtime
from ..store import declare_index
from .common import new_id, now_iso, target_organization
from .models import OMITTED, Model
from .registry import operation

bp = Blueprint("events", __name__)
declare_index("analyticsEvents", "organizationId")
EVENTS_KEPT = 1000  # per organization; older events are dropped first
TENANT = ("x-tpc-organization-id", "x-tpc-organization-slug")


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
    properties: dict[str, str | int | float | bool | None] = OMITTED
    request: EventRequest = OMITTED
    sdk: EventSdk = OMITTED
    sessionId: str | None = None


def record_event(rt: Runtime, organization_id: str, body: CreateEventBody) -> dict[str, Any]:
    """Store one event for the organization and answer the SDK's acknowledgement."""
    received = now_iso(rt)
    event_id = body.eventId if "eventId" in body.model_fields_set else new_id("evt")
    record = {
        "id": new_id("analyticsevent"), "eventId": event_id, "organizationId": organization_id,
        "event": body.event, "page": body.page.model_dump(exclude_unset=True),
        "anonymousId": body.anonymousId, "sessionId": body.sessionId,
        "occurredAt": body.occurredAt if "occurredAt" in body.model_fields_set else received,
        "properties": body.properties if "properties" in body.model_fields_set else {},
        "request": body.request.model_dump() if "request" in body.model_fields_set else None,
        "sdk": body.sdk.model_dump(exclude_unset=True) if "sdk" in body.model_fields_set else None,
        "receivedAt": received,
    }
    with rt.store.transaction():
        rt.store.insert("analyticsEvents", record)
        kept = sorted(rt.store.find("analyticsEvents", "organizationId", organization_id),
                      key=lambda e: (e["receivedAt"], e["id"]))
        for old in kept[:max(0, len(kept) - EVENTS_KEPT)]:
            rt.store.remove("analyticsEvents", old["id"])
    return {"ok": True, "data": {"accepted": True, "eventId": event_id,
                                 "receivedAt": received, "status": "accepted"}}


@operation(bp, "/api/v1/analytics/events", "POST", "postAnalyticsEvents",
           "Ingest server-side SDK analytics event (page_visit)", "Visibility & Mentions",
           scopes=("analytics:read",), body=CreateEventBody, headers=TENANT, status=202)
def create_analytics_event(rt: Runtime, caller: Caller, args: CreateEventBody, *,
                           headers: dict[str, str | None]) -> Any:
    organization_id = target_organization(rt, caller, headers[TENANT[0]], headers[TENANT[1]])
    return record_event(rt, organization_id, args)
