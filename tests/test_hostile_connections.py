"""Hostile load: idle connections past the limit never lock a new client out.

Waitress's defaults (connection_limit 100, channel_timeout 120 s) let 110 idle sockets
make every new client wait up to two minutes. These open more idle connections than the
limit, through waitress, and a new client still gets an answer within a second.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from waitress.server import BaseWSGIServer

from tpc_mock.cli import main
from tpc_mock.config import ConfigError, load_config
from tpc_mock.connections import exposure_warning, waitress_options
from tpc_mock.server import LiveServer


@contextmanager
def idle_sockets(server: LiveServer, count: int, *, half_request: bool = False) -> Iterator[None]:
    """`count` connections that send nothing (or an unfinished request line) and stay open."""
    with ExitStack() as stack:
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection((server.host, server.port), 5))
            if half_request:
                sock.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.3)  # let the server accept what it will
        yield


def _answer_time(server: LiveServer) -> float:
    started = time.monotonic()
    response = requests.get(f"{server.url}/api/v1/openapi.json", timeout=5)
    assert response.status_code == 200
    return time.monotonic() - started


@pytest.mark.parametrize("settings", [{}, {"connection_limit": 20}],
                         ids=["defaults", "limit-20"])
def test_more_idle_connections_than_the_limit_do_not_starve_a_new_client(
        settings: dict[str, Any]) -> None:
    with LiveServer(config=settings) as server:
        limit = server.runtime.config.connection_limit
        with idle_sockets(server, limit + 10):
            for _ in range(3):
                assert _answer_time(server) < 1.0


def test_a_keep_alive_pool_survives_its_idle_sockets_being_reused() -> None:
    """A client whose idle keep-alive socket was closed just reconnects (urllib3 does)."""
    with LiveServer(config={"connection_limit": 20}) as server:
        session = requests.Session()
        assert session.get(f"{server.url}/api/v1/openapi.json", timeout=5).status_code == 200
        with idle_sockets(server, 40):
            assert _answer_time(server) < 1.0
            assert session.get(f"{server.url}/api/v1/openapi.json", timeout=5).status_code == 200


def test_busy_connections_are_never_closed_to_make_room() -> None:
    """Half-sent requests are not idle: waitress's own limit and timeout still apply to them."""
    with (LiveServer(config={"connection_limit": 20}) as server,
          idle_sockets(server, 30, half_request=True)):
        channels = [c for c in server._server._map.values()
                    if not isinstance(c, BaseWSGIServer) and hasattr(c, "will_close")]
        assert channels and not any(c.will_close for c in channels)


def test_waitress_settings_follow_the_config() -> None:
    options = waitress_options(load_config({"connection_limit": 500, "idle_timeout": 30}, env={}))
    assert (options["connection_limit"], options["channel_timeout"]) == (500, 30)
    assert options["cleanup_interval"] <= 30 and options["asyncore_use_poll"] is False
    # past what select() can watch, poll() takes over
    many = waitress_options(load_config({"connection_limit": 5000}, env={}))
    assert many["connection_limit"] == 5000 and many["asyncore_use_poll"] is True
    env = {"TPC_MOCK_CONNECTION_LIMIT": "300", "TPC_MOCK_IDLE_TIMEOUT": "15"}
    config = load_config(env=env)
    assert (config.connection_limit, config.idle_timeout) == (300, 15)
    for bad in ({"connection_limit": 5}, {"idle_timeout": 0}):
        with pytest.raises(ConfigError):
            load_config(bad, env={})


@pytest.mark.parametrize(("host", "warns"), [
    ("127.0.0.1", False), ("localhost", False), ("::1", False), ("127.0.0.2", False),
    ("0.0.0.0", True), ("::", True), ("192.168.1.10", True), ("my-box.lan", True)])
def test_binding_beyond_loopback_warns(host: str, warns: bool) -> None:
    warning = exposure_warning(host, control=True)
    assert (warning is not None) is warns
    if warning:
        assert "\n" not in warning and "--no-control" in warning and "/__mock" in warning


def test_serve_on_all_interfaces_prints_the_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    def stop_at_once(self: BaseWSGIServer) -> None:
        self.task_dispatcher.shutdown()
        for dispatcher in list(self._map.values()):
            dispatcher.close()
        raise KeyboardInterrupt

    monkeypatch.setattr(BaseWSGIServer, "run", stop_at_once)
    result = CliRunner().invoke(main, ["serve", "--in-memory", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("WARNING")]
    assert len(lines) == 1 and "--no-control" in lines[0]
    quiet = CliRunner().invoke(main, ["serve", "--in-memory", "--port", "0"])
    assert quiet.exit_code == 0 and "WARNING" not in quiet.output
