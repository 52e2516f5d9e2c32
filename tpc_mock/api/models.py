"""The base of the public API's request models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from ..querystring import OptionalQueryInt, QueryInt

__all__ = ["OMITTED", "Model", "OptionalQueryInt", "QueryInt"]  # the integers of query models

# Default of a body field that may be left out but, when sent, must not be null
# (`title: str = OMITTED`); `model_fields_set` tells what was sent.
OMITTED: Any = None


class Model(BaseModel):
    """Unknown fields are ignored, as TPC's validators strip them."""

    model_config = ConfigDict(extra="ignore")
