"""Request bodies as JSON text: strict UTF-8 and no lone UTF-16 surrogates."""

from __future__ import annotations

import json
from typing import Any


def loads_body(raw: bytes) -> Any:
    """Parse a JSON request body; ValueError (or RecursionError) when it is not usable JSON.

    `json.loads` turns an escape like "\\ud800" into a lone surrogate, which has no UTF-8
    form: stored, it makes every later write of the data file fail; echoed, it breaks the
    response. Such a body is malformed here.
    """
    text = raw.decode("utf-8")
    value = json.loads(text)
    if "\\u" in text:  # only an escape can produce a surrogate
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    return value
