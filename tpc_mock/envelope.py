"""The `/api/v1` envelope and the error family: one class per TPC error code."""

from __future__ import annotations

from typing import Any

# code -> default HTTP status, as TPC documents them.
ERROR_CODES: dict[str, int] = {
    "BAD_REQUEST": 400,
    "UNAUTHORIZED": 401,
    "PAYMENT_REQUIRED": 402,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "NOT_ACCEPTABLE": 406,
    "REQUEST_TIMEOUT": 408,
    "CONFLICT": 409,
    "GONE": 410,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "UNPROCESSABLE_ENTITY": 422,
    "TOO_MANY_REQUESTS": 429,
    "INTERNAL": 500,
    "NOT_IMPLEMENTED": 501,
    "BAD_GATEWAY": 502,
    "SERVICE_UNAVAILABLE": 503,
    "GATEWAY_TIMEOUT": 504,
    "VALIDATION_ERROR": 422,
    "BUSINESS_LOGIC_ERROR": 422,
    "EXTERNAL_SERVICE_ERROR": 502,
    "RATE_LIMITED": 429,
    "MAINTENANCE_MODE": 503,
    "LIVE_INDEX_NOT_FOUND": 404,
    "SCOPE_INVALID": 422,
}


def ok(data: Any) -> dict[str, Any]:
    """Wrap a successful result in TPC's envelope."""
    return {"ok": True, "data": data}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The failure envelope; `details` is left out when there is nothing to report."""
    body: dict[str, Any] = {"ok": False, "code": code, "message": message}
    if details is not None:
        body["details"] = details
    return body


class ApiError(Exception):
    """An error that becomes `{"ok": false, ...}` with its own status."""

    code = "INTERNAL"
    message = "internal error"

    def __init__(
        self,
        message: str | None = None,
        details: Any = None,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        reason: str | None = None,
    ) -> None:
        self.message = message or type(self).message
        self.details = details
        self.status = status or ERROR_CODES[self.code]
        self.headers = headers or {}
        self.reason = reason or self.message
        self.caller: Any = None  # who was refused, when already known (for the journal)
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        """The JSON body for this error."""
        return error_body(self.code, self.message, self.details)


def _camel(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))


# One class per documented code: BadRequest, Unauthorized, ..., ScopeInvalid.
ERROR_CLASSES: dict[str, type[ApiError]] = {
    code: type(_camel(code), (ApiError,), {"code": code, "message": code.lower().replace("_", " ")})
    for code in ERROR_CODES
}
globals().update({cls.__name__: cls for cls in ERROR_CLASSES.values()})

BadRequest: type[ApiError] = ERROR_CLASSES["BAD_REQUEST"]
Unauthorized: type[ApiError] = ERROR_CLASSES["UNAUTHORIZED"]
Forbidden: type[ApiError] = ERROR_CLASSES["FORBIDDEN"]
NotFound: type[ApiError] = ERROR_CLASSES["NOT_FOUND"]
MethodNotAllowed: type[ApiError] = ERROR_CLASSES["METHOD_NOT_ALLOWED"]
Conflict: type[ApiError] = ERROR_CLASSES["CONFLICT"]
PayloadTooLarge: type[ApiError] = ERROR_CLASSES["PAYLOAD_TOO_LARGE"]
UnsupportedMediaType: type[ApiError] = ERROR_CLASSES["UNSUPPORTED_MEDIA_TYPE"]
TooManyRequests: type[ApiError] = ERROR_CLASSES["TOO_MANY_REQUESTS"]
ValidationError: type[ApiError] = ERROR_CLASSES["VALIDATION_ERROR"]
ScopeInvalid: type[ApiError] = ERROR_CLASSES["SCOPE_INVALID"]
Internal: type[ApiError] = ERROR_CLASSES["INTERNAL"]


def invalid_api_key() -> ApiError:
    """The exact refusal TPC documents for unknown, revoked, disabled or expired keys."""
    return Unauthorized("invalid api key")


def authentication_required(reason: str | None = None) -> ApiError:
    """The refusal for a missing or invalid bearer token or session cookie."""
    return Unauthorized("authentication required", reason=reason)


def not_found(what: str) -> ApiError:
    """404 that names the kind of thing, never whether it exists elsewhere."""
    return NotFound(f"{what} not found")
