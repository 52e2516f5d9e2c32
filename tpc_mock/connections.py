"""Waitress for a dev server left running: idle connections never lock a client out.

Waitress stops accepting at `connection_limit` open connections and closes idle ones
only after `channel_timeout`, so a browser's idle keep-alive sockets plus a test suite's
pools (waitress's defaults: 100 and 120 s) left every new client waiting for minutes.
Here, when the limit is near, the listener closes the connections idle the longest (no
request read or running, nothing left to send), as nginx reuses idle keep-alive
connections when it runs out; clients reopen them. Only when every connection is busy
does waitress's own back-pressure (stop accepting) apply.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import waitress
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

from .config import Config

SELECT_CONNECTIONS = 1000  # FD_SETSIZE, less the listener, the trigger and open files


def waitress_options(config: Config) -> dict[str, Any]:
    """The waitress adjustments tpc-mock serves with (CLI and LiveServer alike)."""
    return {
        "threads": config.threads, "ident": "tpc-mock", "clear_untrusted_proxy_headers": True,
        "connection_limit": config.connection_limit, "channel_timeout": config.idle_timeout,
        # Sweep idle connections often enough that idle_timeout is kept to within a second
        # or two.
        "cleanup_interval": max(1, min(30, config.idle_timeout // 4)),
        # select() cannot watch a descriptor past FD_SETSIZE (1024), poll() can; but
        # waitress's poll loop builds its poll set anew on every pass, which cost 10-20 %
        # of a small request's CPU here, so it is used only when the limit needs it.
        "asyncore_use_poll": config.connection_limit > SELECT_CONNECTIONS,
    }


def create_server(app: Any, config: Config, *, host: str, port: int, **extra: Any) -> Any:
    """A waitress server for `app` that sheds idle connections instead of locking out."""
    options = {**waitress_options(config), **extra}
    server = waitress.create_server(app, host=host, port=port, **options)
    for listener in [d for d in server._map.values() if isinstance(d, BaseWSGIServer)]:
        _shed_before_full(listener)
    return server


def _shed_before_full(listener: BaseWSGIServer) -> None:
    stock = listener.readable

    def readable() -> bool:
        open_now = len(listener._map)
        limit = listener.adj.connection_limit
        if listener.accepting and open_now >= limit - 1:
            close_idle_connections(listener._map, open_now - (limit - 2))
        return bool(stock())

    listener.readable = readable  # type: ignore[method-assign]


def close_idle_connections(socket_map: dict[int, Any], count: int) -> int:
    """Mark up to `count` of the longest-idle connections to close; how many were marked.

    Marked channels close on the loop's next pass (waitress's own `will_close`), so the
    socket map is never changed while the loop walks it.
    """
    idle = [ch for ch in socket_map.values() if isinstance(ch, HTTPChannel) and _is_idle(ch)]
    idle.sort(key=lambda ch: ch.last_activity)
    for channel in idle[:count]:
        channel.will_close = True
    return min(count, len(idle))


def _is_idle(channel: HTTPChannel) -> bool:
    return not (channel.requests or getattr(channel, "request", None) or channel.will_close
                or channel.close_when_flushed or channel.total_outbufs_len)


def is_loopback(host: str) -> bool:
    """True when `host` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, *, control: bool) -> str | None:
    """One line for `serve --host` beyond loopback: what the network can now reach."""
    if is_loopback(host):
        return None
    if not control:
        return (f"WARNING: listening on {host}: the seeded dev credentials (keys, passwords, "
                "sessions) work from the network.")
    return (f"WARNING: listening on {host}: the /__mock control API and the dev credentials "
            "(keys, passwords, sessions) are reachable from the network; add --no-control "
            "unless this is what you want.")
