"""JSON text in and out: strict UTF-8, no lone UTF-16 surrogates, only finite numbers."""

from __future__ import annotations

import json
import math
from typing import Any

from flask.json.provider import DefaultJSONProvider


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON: numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e309 parses to inf, which JSON cannot carry back out
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def loads_body(raw: bytes) -> Any:
    """Parse a JSON request body; ValueError (or RecursionError) when it is not usable JSON.

    `json.loads` turns an escape like "\\ud800" into a lone surrogate, which has no UTF-8
    form: stored, it makes every later write of the data file fail; echoed, it breaks the
    response. `NaN`, `Infinity` and `-Infinity` (and numbers too large for a double) are
    Python extensions, not JSON: stored, every later read is invalid JSON for browsers.
    Such bodies are malformed here.
    """
    text = raw.decode("utf-8")
    value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    if "\\u" in text:  # only an escape can produce a surrogate
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    return value


def finite(value: Any) -> Any:
    """`value` with every non-finite float replaced by None (JSON's null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


class FiniteJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, but a stored NaN or Infinity goes out as null, never as `NaN`.

    Bodies refuse them; a data file written before that may still hold some, and it must
    load and serve valid JSON.
    """

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        try:
            return super().dumps(obj, allow_nan=False, **kwargs)
        except ValueError:
            return super().dumps(finite(obj), **kwargs)
