"""/api/v1/agent-simulation: the request model and the answer's shape (they also build the
OpenAPI entries)."""

from __future__ import annotations

from pydantic import Field
from typing_extensions import NotRequired, TypedDict

from ..models import Model, QueryInt
from ..schemas import AnyJson, Timestamp


class SimulationRunsQuery(Model):
    environmentId: str | None = None
    taskId: str | None = None
    experimentId: str | None = None
    iterationId: str | None = None
    status: str | None = None
    search: str | None = None
    page: QueryInt = Field(1, ge=1)
    pageSize: QueryInt = Field(20, ge=1)  # no upper bound: TPC's document and docs set none


# -- answers: the `data` of each 2xx envelope, as the model builds it -----------------
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
    """A run as stored, with its environment and task."""

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
