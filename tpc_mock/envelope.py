"""The `/api/v1` envelope and the error family: one class per TPC error code, better-auth's
errors as their own subclasses, and the body an error answers with on each path."""

from __future__ import annotations

from typing import Any

AUTH_PREFIX = "/api/auth"  # better-auth's routes answer errors in its own shape


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
    status = 500
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
        self.status = status or type(self).status
        self.headers = headers or {}
        self.reason = reason or self.message
        self.caller: Any = None  # who was refused, when already known (for the journal)
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        """The JSON body for this error."""
        return error_body(self.code, self.message, self.details)

    def body_on(self, path: str) -> dict[str, Any]:
        """The body this error answers with on `path`: better-auth's `{code, message}`
        under /api/auth, the envelope everywhere else (/api/v1, /__mock, HTML pages)."""
        if path.startswith(AUTH_PREFIX):
            return {"code": self.code, "message": self.message}
        return self.body()


# -- one class per documented code, in TPC's documented order --------------------------
class BadRequest(ApiError):
    code, status, message = "BAD_REQUEST", 400, "bad request"


class Unauthorized(ApiError):
    code, status, message = "UNAUTHORIZED", 401, "unauthorized"


class PaymentRequired(ApiError):
    code, status, message = "PAYMENT_REQUIRED", 402, "payment required"


class Forbidden(ApiError):
    code, status, message = "FORBIDDEN", 403, "forbidden"


class NotFound(ApiError):
    code, status, message = "NOT_FOUND", 404, "not found"


class MethodNotAllowed(ApiError):
    code, status, message = "METHOD_NOT_ALLOWED", 405, "method not allowed"


class NotAcceptable(ApiError):
    code, status, message = "NOT_ACCEPTABLE", 406, "not acceptable"


class RequestTimeout(ApiError):
    code, status, message = "REQUEST_TIMEOUT", 408, "request timeout"


class Conflict(ApiError):
    code, status, message = "CONFLICT", 409, "conflict"


class Gone(ApiError):
    code, status, message = "GONE", 410, "gone"


class PayloadTooLarge(ApiError):
    code, status, message = "PAYLOAD_TOO_LARGE", 413, "payload too large"


class UnsupportedMediaType(ApiError):
    code, status, message = "UNSUPPORTED_MEDIA_TYPE", 415, "unsupported media type"


class UnprocessableEntity(ApiError):
    code, status, message = "UNPROCESSABLE_ENTITY", 422, "unprocessable entity"


class TooManyRequests(ApiError):
    code, status, message = "TOO_MANY_REQUESTS", 429, "too many requests"


class Internal(ApiError):
    code, status, message = "INTERNAL", 500, "internal"


class NotImplemented(ApiError):  # the code's own name; this module never uses the builtin
    code, status, message = "NOT_IMPLEMENTED", 501, "not implemented"


class BadGateway(ApiError):
    code, status, message = "BAD_GATEWAY", 502, "bad gateway"


class ServiceUnavailable(ApiError):
    code, status, message = "SERVICE_UNAVAILABLE", 503, "service unavailable"


class GatewayTimeout(ApiError):
    code, status, message = "GATEWAY_TIMEOUT", 504, "gateway timeout"


class ValidationError(ApiError):
    code, status, message = "VALIDATION_ERROR", 422, "validation error"


class BusinessLogicError(ApiError):
    code, status, message = "BUSINESS_LOGIC_ERROR", 422, "business logic error"


class ExternalServiceError(ApiError):
    code, status, message = "EXTERNAL_SERVICE_ERROR", 502, "external service error"


class RateLimited(ApiError):
    code, status, message = "RATE_LIMITED", 429, "rate limited"


class MaintenanceMode(ApiError):
    code, status, message = "MAINTENANCE_MODE", 503, "maintenance mode"


class LiveIndexNotFound(ApiError):
    code, status, message = "LIVE_INDEX_NOT_FOUND", 404, "live index not found"


class ScopeInvalid(ApiError):
    code, status, message = "SCOPE_INVALID", 422, "scope invalid"


class UnexpectedError(Internal):
    """A crash: the envelope on every path, /api/auth included (as it always has been)."""

    message = "internal error"

    def body_on(self, path: str) -> dict[str, Any]:
        return self.body()


class BetterAuthError(ApiError):
    """An /api/auth error carrying better-auth's own code: `{"code", "message"}`.

    Each code better-auth documents is a subclass with its `status`, `code` and `message`
    (raise `InvalidEmail()`); a one-off is `BetterAuthError(status, code, message)`.
    """

    def __init__(self, status: int | None = None, code: str | None = None,
                 message: str | None = None, *, reason: str | None = None) -> None:
        super().__init__(message, status=status, reason=reason)
        if code is not None:
            self.code = code


ERROR_CLASSES: dict[str, type[ApiError]] = {cls.code: cls for cls in (
    BadRequest, Unauthorized, PaymentRequired, Forbidden, NotFound, MethodNotAllowed,
    NotAcceptable, RequestTimeout, Conflict, Gone, PayloadTooLarge, UnsupportedMediaType,
    UnprocessableEntity, TooManyRequests, Internal, NotImplemented, BadGateway,
    ServiceUnavailable, GatewayTimeout, ValidationError, BusinessLogicError,
    ExternalServiceError, RateLimited, MaintenanceMode, LiveIndexNotFound, ScopeInvalid)}
# code -> default HTTP status, as TPC documents them.
ERROR_CODES: dict[str, int] = {code: cls.status for code, cls in ERROR_CLASSES.items()}


def error_for(code: str, message: str, status: int,
              headers: dict[str, str] | None = None) -> ApiError:
    """An error for a code known only at run time (an injected fault, a Werkzeug error)."""
    error = ERROR_CLASSES.get(code, ApiError)(message, status=status, headers=headers)
    error.code = code
    return error


def invalid_api_key() -> ApiError:
    """The exact refusal TPC documents for unknown, revoked, disabled or expired keys."""
    return Unauthorized("invalid api key")


def authentication_required(reason: str | None = None) -> ApiError:
    """The refusal for a missing or invalid bearer token or session cookie."""
    return Unauthorized("authentication required", reason=reason)


def not_found(what: str) -> ApiError:
    """404 that names the kind of thing, never whether it exists elsewhere."""
    return NotFound(f"{what} not found")
