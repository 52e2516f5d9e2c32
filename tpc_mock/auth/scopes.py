"""TPC's scope catalog and the scope check."""

from __future__ import annotations

from collections.abc import Iterable

from ..envelope import Forbidden

SCOPES: tuple[str, ...] = (
    "content:read",
    "content:write",
    "prompts:read",
    "prompts:write",
    "simulations:read",
    "simulations:write",
    "logs:read",
    "analytics:read",
    "products:read",
    "products:write",
)
SCOPE_DESCRIPTIONS: dict[str, str] = {
    "content:read": "Read site pages, markdown content, and llms.txt files",
    "content:write": "Create, update, and delete site pages and content",
    "prompts:read": "Read prompts, topics, and prompt analysis results",
    "prompts:write": "Create, update, archive prompts",
    "simulations:read": "Read agent-simulation tasks, runs, environments, and analytics",
    "simulations:write": "Create and trigger simulation runs",
    "logs:read": "Read AI-traffic logs and request-level audit events",
    "analytics:read": "Read analytics aggregates (rankings, mentions, sources, SOV)",
    "products:read": "Read product metadata and competitor data",
    "products:write": "Update product settings and competitor lists",
}


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    """The names in `scopes` that are not in the catalog, in order."""
    return [s for s in scopes if s not in SCOPES]


def check_scopes(granted: Iterable[str] | None, required: Iterable[str]) -> None:
    """Raise 403 insufficient_scope unless every required scope is granted.

    `granted` None means an unscoped caller (a cookie session). A write scope
    does not imply the read scope.
    """
    required = list(required)
    if granted is None or not required:
        return
    have = set(granted)
    missing = [s for s in required if s not in have]
    if missing:
        raise Forbidden(
            "insufficient_scope",
            {"requiredScopes": required, "missingScopes": missing},
            reason=f"missing scopes {', '.join(missing)}",
        )
