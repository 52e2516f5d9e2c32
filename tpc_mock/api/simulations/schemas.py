"""Request models of /api/v1/agent-simulation (they also build the OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field

from ..models import Model, QueryInt


class SimulationRunsQuery(Model):
    environmentId: str | None = None
    taskId: str | None = None
    experimentId: str | None = None
    iterationId: str | None = None
    status: str | None = None
    search: str | None = None
    page: QueryInt = Field(1, ge=1)
    pageSize: QueryInt = Field(20, ge=1)  # no upper bound: TPC's document and docs set none
