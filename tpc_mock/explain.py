"""The request journal's explanation fields, and a refusal explained in words.

Serving a request only copies values already at hand into its entry (`error_fields`,
`keep_answer`); the words are put together when someone reads the journal (`explain`),
so an unwatched journal costs requests nothing more. Nothing here holds a secret: field
values come from the error the emulator raised and from header names, never from a
credential or a request body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ANSWER = "_answer"  # an entry's kept answer (headers, body): the console's, never listed
ANSWER_BYTES = 64 * 1024
MAX_ISSUES = 20
# Bodies are kept for the public API only: /api/auth answers carry credentials (tokens,
# keys), and routes added later are left out until someone looks at what they answer.
BODY_PATHS = ("/api/v1/",)
SECRET_HEADERS = frozenset({"set-cookie", "set-auth-token", "authorization"})
CREDENTIALS = {"x-api-key": "the x-api-key header", "authorization": "the Authorization header",
               "cookie": "the session cookie"}
PRECEDENCE = "x-api-key, then Authorization, then the session cookie"
AUTH_REASONS = {
    "no credential": "No credential was sent: send x-api-key, Authorization: Bearer, or the "
                     "session cookie (from a browser, fetch with credentials: \"include\").",
    "unknown, expired or revoked bearer token": "The bearer token is unknown, expired or "
                                                "revoked (sign in again or mint a new one).",
    "session cookie signature is invalid": "The session cookie's signature does not match this "
                                           "server's secret (was it signed by another --secret?).",
    "session unknown or expired": "The session cookie is well signed but its session is unknown "
                                  "or expired (signed out, reset, or the clock moved past it).",
    "authorization header is not a bearer token": "The Authorization header is neither "
                                                  "`Bearer <token>` nor an API key.",
}


def error_fields(exc: Any) -> dict[str, Any]:
    """What a refusal's explanation needs from the error that answered it (errors only)."""
    fields: dict[str, Any] = {"code": exc.code}
    details = exc.details if isinstance(exc.details, Mapping) else {}
    if "missingScopes" in details:
        fields["requiredScopes"] = details.get("requiredScopes")
        fields["missingScopes"] = details["missingScopes"]
    if "resetAt" in details:
        fields["rateLimit"] = {"limit": details.get("limit"), "resetAt": details["resetAt"]}
    issues = details.get("issues")
    if isinstance(issues, list):
        fields["issues"] = [{"path": str(i.get("path", ""))[:200],
                             "message": str(i.get("message", ""))[:200]}
                            for i in issues[:MAX_ISSUES] if isinstance(i, Mapping)]
    return fields


def keep_answer(path: str, response: Any) -> dict[str, Any] | None:
    """The answer's headers (credential headers left out) and, under /api/v1, its body."""
    if response.is_streamed or response.direct_passthrough:
        return None
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in SECRET_HEADERS]
    mimetype = response.mimetype or ""
    if not (path.startswith(BODY_PATHS) and (mimetype.startswith("text/") or "json" in mimetype)):
        return {"headers": headers, "body": None, "truncated": False}
    raw = response.get_data()
    return {"headers": headers, "body": raw[:ANSWER_BYTES].decode("utf-8", "replace"),
            "truncated": len(raw) > ANSWER_BYTES}


def public_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A journal entry as the control API lists it (the kept answer left out)."""
    return {k: v for k, v in entry.items() if k != ANSWER}


def _caller_words(entry: Mapping[str, Any]) -> str:
    kind, who = entry.get("callerKind"), entry.get("callerId")
    if kind == "apiKey":
        return f"the API key {who}…" if who else "the API key"
    if kind == "bearer":
        return "the bearer token"
    if kind == "session":
        return "the session"
    return "the caller"


def _words(items: Any) -> str:
    return ", ".join(str(i) for i in items or ()) or "none"


def _refusal(entry: Mapping[str, Any]) -> str:
    """The main sentence of a refusal, from its reason, code and fields."""
    reason, status = str(entry.get("reason") or ""), entry["status"]
    code = entry.get("code")
    if entry.get("faultId") or reason == "injected fault":
        return (f"An injected fault answered (fault {entry.get('faultId') or '?'}, added with "
                "POST /__mock/faults); the API itself was not asked.")
    if entry.get("rateLimit") or reason == "rate_limited":
        limit = (entry.get("rateLimit") or {}).get("limit", "?")
        reset = (entry.get("rateLimit") or {}).get("resetAt", "?")
        return (f"Rate limited: {_caller_words(entry)} went over {limit} requests in its window; "
                f"the window resets at {reset} (Retry-After gives the seconds).")
    if "missingScopes" in entry or reason.startswith("missing scopes"):
        return (f"Missing scopes: the route requires {_words(entry.get('requiredScopes'))} and "
                f"{_caller_words(entry)} lacks {_words(entry.get('missingScopes'))} (a write "
                "scope does not imply the read scope).")
    if reason == "invalid api key":
        return ("The API key is unknown, revoked, disabled or expired (401 invalid api key); "
                "there is no fallback to another credential.")
    if reason in AUTH_REASONS:
        return AUTH_REASONS[reason]
    if "origin" in reason.lower():
        reason = "no Origin header" if reason == "untrusted origin None" else reason
        return ("A write decided by the session cookie needs a trusted Origin (the --cors-origin "
                f"list and the server's own URL): {reason}. API keys and bearer tokens skip this.")
    if reason == "public_api_only":
        return ("An internal route: API keys are refused (public_api_only); use a session or a "
                "bearer token.")
    if reason == "auth_method_not_allowed":
        return "This route takes no API key (per TPC's OpenAPI): use a session or a bearer token."
    if entry.get("issues"):
        listed = "; ".join(f"{i['path'] or '(body)'}: {i['message']}" for i in entry["issues"])
        return f"Validation failed: {listed}."
    if status == 404 and reason == "not found":
        return f"No route matches {entry.get('method')} {entry.get('path')}."
    if status == 404 and entry.get("callerKind") not in (None, "none"):
        return (f"Not found ({reason}): it does not exist, or it belongs to an organization "
                f"outside {_caller_words(entry)}'s reach — answered 404 by design, so its "
                "existence never leaks.")
    if status == 405:
        return f"{entry.get('method')} is not allowed on this path (see the Allow header)."
    text = reason or (code or f"status {status}").lower().replace("_", " ")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _precedence(entry: Mapping[str, Any]) -> str:
    decided, ignored = entry.get("decidedBy"), entry.get("ignoredCredentials") or []
    if not decided:
        return ""
    text = f"{CREDENTIALS.get(decided, decided).capitalize()} decided"
    if ignored:
        names = " and ".join(CREDENTIALS.get(i, i) for i in ignored)
        text += (f"; {names} {'was' if len(ignored) == 1 else 'were'} ignored (precedence: "
                 f"{PRECEDENCE}; the first present decides)")
    return text + "."


def explain(entry: Mapping[str, Any]) -> str | None:
    """A journal entry in words: why it was refused, and which credential decided."""
    precedence = _precedence(entry)
    if entry["status"] < 400:
        return precedence if entry.get("ignoredCredentials") else None
    main = _refusal(entry)
    return f"{main} {precedence}" if precedence else main
