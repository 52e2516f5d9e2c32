"""/api/v1/analytics: the operations (share of voice; ingesting the SDK's events)."""

from __future__ import annotations

from flask import Blueprint

from ...auth.resolve import Caller
from ...runtime import Runtime
from ..common import ORG_HEADERS, target_organization
from ..registry import operation
from .model import record_event, share_of_voice
from .schemas import AnalyticsEventAck, CreateEventBody, ShareOfVoice, SovQuery

bp = Blueprint("analytics", __name__)


@operation(bp, "/api/v1/analytics/sov", "GET", "getAnalyticsSov",
           "Get share of voice analytics for a product", "Visibility & Mentions",
           scopes=("analytics:read",), query=SovQuery, response=ShareOfVoice)
def get_analytics_sov(rt: Runtime, caller: Caller, args: SovQuery) -> ShareOfVoice:
    return share_of_voice(rt, caller, args)


@operation(bp, "/api/v1/analytics/events", "POST", "postAnalyticsEvents",
           "Ingest server-side SDK analytics event (page_visit)", "Visibility & Mentions",
           scopes=("analytics:read",), body=CreateEventBody, headers=ORG_HEADERS, status=202,
           response=AnalyticsEventAck)
def create_analytics_event(rt: Runtime, caller: Caller, args: CreateEventBody, *,
                           headers: dict[str, str | None]) -> AnalyticsEventAck:
    organization_id = target_organization(rt, caller, headers)
    return record_event(rt, organization_id, args)
