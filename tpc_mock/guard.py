"""Who may talk to the emulator: the `Host` it was reached by, and who may drive `/__mock`.

A web page the developer visits is an attacker here. DNS rebinding points a host name the
page controls at 127.0.0.1, so every route refuses a `Host` that is not the server's own
name (as Django's ALLOWED_HOSTS and Vite's server.allowedHosts do); an IP literal is
always fine, since rebinding needs a name. A page can also post to `/__mock` without a
preflight (`mode: "no-cors"`, `text/plain`), so `/__mock` refuses an untrusted `Origin`
on every method and a write whose body is not JSON.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import Flask, request

from .config import Config
from .envelope import BadRequest, Forbidden, UnsupportedMediaType
from .web import runtime, trusted_origins

OWN_NAMES = ("localhost", "127.0.0.1", "::1")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


_NAMES: dict[int, tuple[Config, frozenset[str]]] = {}


def allowed_host_names(config: Config) -> frozenset[str]:
    """Host names the server answers to: its own, the base URL's and `--allowed-host`s.

    Worked out once per configuration (every request asks).
    """
    known = _NAMES.get(id(config))
    if known is not None and known[0] is config:
        return known[1]
    if len(_NAMES) > 64:
        _NAMES.clear()
    names = _allowed_names(config)
    _NAMES[id(config)] = (config, names)
    return names


def _allowed_names(config: Config) -> frozenset[str]:
    names = {*OWN_NAMES, *(h.lower().rstrip(".") for h in config.allowed_hosts)}
    names.add((urlsplit(config.public_url).hostname or "").lower().rstrip("."))
    names.add(config.host.lower().strip("[]").rstrip("."))
    return frozenset(n for n in names if n)


def host_name(header: str) -> str | None:
    """The name part of a `Host` header (`name[:port]`, `[v6][:port]`); None if malformed."""
    if header.startswith("["):
        literal, bracket, rest = header[1:].partition("]")
        port_ok = not rest or (rest[0] == ":" and rest[1:].isdigit())
        return literal if bracket and port_ok and _is_ip_literal(literal) else None
    name, colon, port = header.partition(":")
    if colon and not port.isdigit():
        return None
    return name.lower().rstrip(".")


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_is_allowed(header: str, allowed: frozenset[str]) -> bool:
    """True for no `Host` (HTTP/1.0), an IP literal, `*`, an allowed name or `.suffix`."""
    if not header:
        return True
    name = host_name(header)
    if name is None:
        return False
    if "*" in allowed or name in allowed or _is_ip_literal(name):
        return True
    return any(a.startswith(".") and (name.endswith(a) or name == a[1:]) for a in allowed)


def refuse_foreign_host() -> None:
    """400 on every route for a `Host` that is not the server's (DNS rebinding)."""
    header = request.environ.get("HTTP_HOST", "")
    if not host_is_allowed(header, allowed_host_names(runtime().config)):
        raise BadRequest("invalid host header",
                         reason=f"host {header[:100]!r} is not allowed (see --allowed-host)")


def guard_control_api() -> None:
    """`/__mock`: 403 for an untrusted `Origin` (reads too), 415 for a write that is not JSON."""
    if not request.path.startswith("/__mock"):
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin not in trusted_origins(runtime()):
        raise Forbidden("invalid_origin", reason=f"untrusted origin {origin[:100]!r} on /__mock")
    carries_body = (request.mimetype or request.content_length
                    or request.headers.get("Transfer-Encoding"))
    if request.method in WRITES and carries_body and not request.is_json:
        raise UnsupportedMediaType("unsupported media type: send application/json")


def init_app(app: Flask) -> None:
    """Register the checks; call before the hooks that inject faults."""
    app.before_request(refuse_foreign_host)
    app.before_request(guard_control_api)
