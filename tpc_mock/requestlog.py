"""The request id and the request journal's entry: one way for every answer, however served.

Flask answers through `app._finish_request`, a cached read through `fastread`; both take
the id and build the entry here, so the journal cannot tell them apart.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Mapping
from typing import Any

from .auth.resolve import Caller, presented_credentials
from .clock import iso
from .envelope import ApiError
from .explain import error_fields
from .runtime import Runtime

REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
VERSION_MASK = ~((0xF << 76) | (0x3 << 62))  # the version nibble and the variant bits
VERSION_4 = (0x4 << 76) | (0x2 << 62)


_IDS = random.Random()  # request ids must be unique, not secret: no system call for each


def request_id_for(environ: Mapping[str, Any]) -> str:
    """The client's `X-Request-Id` when it is a sane token, else a new (version 4) UUID."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    if REQUEST_ID.match(incoming):
        return incoming
    # uuid4's layout (version 4, RFC 4122 variant) without the UUID object: a tenth the time
    bits = _IDS.getrandbits(128) & VERSION_MASK | VERSION_4
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def journal_entry(rt: Runtime, environ: Mapping[str, Any], *, request_id: str, method: str,
                  path: str, status: int, caller: Caller | None, started: float,
                  reason: str | None = None, error: ApiError | None = None,
                  fault_id: str | None = None) -> dict[str, Any]:
    """What the journal keeps of one answer; never a credential, only which ones were sent."""
    entry: dict[str, Any] = {
        "requestId": request_id,
        "method": method,
        "path": path,
        "status": status,
        "callerKind": caller.kind if caller else "none",
        "callerId": (caller.key_start if caller.kind == "apiKey" else caller.id) if caller else None,
        "at": iso(rt.clock.now()),
        "durationMs": round((time.monotonic() - started) * 1000, 2),
    }
    offset = rt.clock.offset
    if offset:
        entry["clockOffset"] = offset.total_seconds()
    # Names of the credentials sent (never values): which decided, which were ignored.
    if caller is not None or status in (401, 403, 429):
        presented = presented_credentials(environ)
        if presented:
            entry["decidedBy"] = presented[0]
            if len(presented) > 1:
                entry["ignoredCredentials"] = list(presented[1:])
    if status >= 400:
        # Why it failed (never a credential: reasons come from the error, not the input);
        # the console puts it in words when it reads the journal (explain.py).
        if reason:
            entry["reason"] = reason
        if error is not None:
            entry.update(error_fields(error))
        if fault_id:
            entry["faultId"] = fault_id
    return entry
