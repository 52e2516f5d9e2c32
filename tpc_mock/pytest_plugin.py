"""pytest plugin: a live tpc-mock per test session (so one per xdist worker), reset per test.

Fixtures: `tpc_mock_config` (session; override it in a conftest to change the server),
`tpc_mock_server` (session; the LiveServer) and `tpc_mock` (function; a `TpcMock` handle).
The emulator is imported only when a fixture is used: having the plugin installed costs
nothing.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from requests import Session as HttpSession

    from .runtime import Runtime
    from .server import LiveServer

# (Config field, command-line flag, ini name, help)
OPTIONS = (
    ("seed", "--tpc-mock-seed", "tpc_mock_seed", "seed file (JSON) the tpc_mock server loads"),
    ("rate_limit", "--tpc-mock-rate-limit", "tpc_mock_rate_limit",
     "API-key rate limit of the tpc_mock server: N/SECONDS, or 0 for none"),
    ("secret", "--tpc-mock-secret", "tpc_mock_secret", "cookie-signing secret of the tpc_mock server"),
)
CORS_HELP = "allowed browser origin of the tpc_mock server (repeatable; replaces the defaults)"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The --tpc-mock-* options and their tpc_mock_* ini twins."""
    group = parser.getgroup("tpc_mock", "tpc-mock emulator")
    for _, flag, ini, help_text in OPTIONS:
        group.addoption(flag, dest=ini, default=None, help=help_text)
        parser.addini(ini, help_text)
    group.addoption("--tpc-mock-cors-origin", dest="tpc_mock_cors_origins", action="append",
                    default=None, help=CORS_HELP)
    parser.addini("tpc_mock_cors_origins", CORS_HELP, type="linelist")


def server_config(config: pytest.Config) -> dict[str, Any]:
    """create_app settings from the command line, else the ini file (paths resolved)."""
    values: dict[str, Any] = {}
    ini_dir = config.inipath.parent if config.inipath else config.rootpath
    for name, _, ini, _ in OPTIONS:
        given = config.getoption(ini)
        raw = given if given is not None else (config.getini(ini) or None)
        if raw is None:
            continue
        if name == "seed":  # relative to where pytest ran, or to the ini file
            raw = (config.invocation_params.dir if given is not None else ini_dir) / Path(raw)
        values[name] = raw
    origins = config.getoption("tpc_mock_cors_origins") or config.getini("tpc_mock_cors_origins")
    if origins:
        values["cors_origins"] = tuple(origins)
    return values


class ErrorRecorder(logging.Handler):
    """Keeps the unhandled exceptions one app logs (its 500 handler logs on `tpc_mock`)."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(logging.ERROR)
        self.runtime = runtime
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        from flask import current_app, has_app_context

        # The 500 handler logs inside the request, so the app context says which server.
        if not has_app_context() or current_app.extensions.get("tpc_mock") is not self.runtime:
            return
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.errors.append(text)

    def take(self) -> list[str]:
        """The errors recorded so far, forgetting them."""
        taken, self.errors = self.errors, []
        return taken


class TpcMock:
    """What a test gets from the `tpc_mock` fixture: the live server and helpers."""

    def __init__(self, server: LiveServer, recorder: ErrorRecorder, cache: dict[str, Any]) -> None:
        self.server = server
        self.url: str = server.url
        self.runtime: Runtime = server.runtime
        self._recorder = recorder
        self._cache = cache
        self._sessions: list[HttpSession] = []

    @property
    def fixtures(self) -> dict[str, Any]:
        """GET /__mock/fixtures: the dev world and its plaintext credentials (cached)."""
        if "fixtures" not in self._cache:
            self._cache["fixtures"] = self._control("GET", "/fixtures")
        data: dict[str, Any] = self._cache["fixtures"]
        return data

    def advance(self, seconds: float) -> datetime:
        """Move the emulator's clock by `seconds` (expiries and rate windows follow)."""
        return self.runtime.clock.advance(seconds)

    def requests(self, *, method: str | None = None, path: str | None = None,
                 status: int | None = None) -> list[dict[str, Any]]:
        """The request journal, newest last; `path` may end with `*` for a prefix."""
        def wanted(e: dict[str, Any]) -> bool:
            return ((method is None or e["method"] == method.upper())
                    and (path is None or (e["path"].startswith(path[:-1]) if path.endswith("*")
                                          else e["path"] == path))
                    and (status is None or e["status"] == status))

        from .explain import public_entry

        return [public_entry(e) for e in self.runtime.journal.copy() if wanted(e)]

    def fault(self, path: str, status: int | None = None, *, code: str | None = None,
              message: str | None = None, method: str | None = None, times: int | None = None,
              delay_ms: int = 0) -> dict[str, Any]:
        """Fail (or with `delay_ms` only, stall) the next matching requests; status 500 if none."""
        if status is None:
            status = 0 if delay_ms else 500
        body = {"path": path, "status": status, "code": code, "message": message,
                "method": method, "times": times, "delayMs": delay_ms}
        return self._control("POST", "/faults", {k: v for k, v in body.items() if v is not None})

    def api_key(self, scopes: list[str] | None = None, organization_id: str = "org_123", *,
                name: str = "pytest key", user_id: str | None = None,
                expires_in: float | None = None, rate_limit_max: int | None = None) -> str:
        """Mint a real API key for the organization; returns the plaintext `tpc_...` key."""
        from .auth.minting import mint_api_key

        return mint_api_key(self.runtime, scopes, organization_id, name=name, user_id=user_id,
                            expires_in=expires_in, rate_limit_max=rate_limit_max).key

    def bearer_token(self, scopes: list[str] | None = None, user_id: str = "user_owner") -> str:
        """A bearer token (a session row carrying `scopes`, as the device flow grants)."""
        from .auth.minting import mint_bearer_token

        return mint_bearer_token(self.runtime, scopes, user_id)[0]

    def session(self, user_id: str = "user_owner") -> HttpSession:
        """A requests.Session signed in as `user_id` (cookie set, Origin = the server)."""
        import requests as http

        from .auth.sessions import cookie_name, session_cookie_value

        token, _ = self._new_session(user_id)
        signed_in = http.Session()
        signed_in.cookies.set(cookie_name(self.runtime), session_cookie_value(self.runtime, token),
                              domain=self.server.host, path="/")
        signed_in.headers["Origin"] = self.url  # cookie writes need a trusted Origin
        self._sessions.append(signed_in)
        return signed_in

    def close(self) -> None:
        """Close the sessions this handle opened."""
        for opened in self._sessions:
            opened.close()
        self._sessions.clear()

    def check(self) -> None:
        """Fail the test with the server's own errors (a dead thread, an unhandled exception)."""
        problems = self._recorder.take()
        if self.server.error is not None:
            err = self.server.error
            problems.insert(0, "tpc-mock server thread died:\n" + "".join(
                traceback.format_exception(type(err), err, err.__traceback__)))
        elif not self._serving():
            problems.insert(0, "tpc-mock server thread is not running (stopped?)")
        if problems:
            pytest.fail("tpc-mock server error during the test:\n\n" + "\n\n".join(problems),
                        pytrace=False)

    def _serving(self) -> bool:
        return bool(self.server.is_alive())

    def _new_session(self, user_id: str) -> tuple[str, dict[str, Any]]:
        from .auth.sessions import create_session

        if self.runtime.store.get("users", user_id) is None:
            raise ValueError(f"unknown user {user_id!r}")
        return create_session(self.runtime, user_id, ip="127.0.0.1", user_agent="tpc-mock pytest")

    def _control(self, method: str, route: str, body: Any = None) -> Any:
        import requests as http

        with http.Session() as client:
            response = client.request(method, self.url + "/__mock" + route, json=body, timeout=30)
        payload = response.json()
        if not payload.get("ok"):
            raise ValueError(f"{method} /__mock{route}: {payload.get('message')} "
                             f"{payload.get('details') or ''}".strip())
        return payload["data"]


@pytest.fixture(scope="session")
def tpc_mock_config(pytestconfig: pytest.Config) -> dict[str, Any]:
    """create_app settings of the session's server (override this fixture to change them)."""
    return server_config(pytestconfig)


@pytest.fixture(scope="session")
def tpc_mock_server(tpc_mock_config: dict[str, Any]) -> Iterator[LiveServer]:
    """The session's live emulator: in memory, on 127.0.0.1 and a free port."""
    from .config import ConfigError
    from .seedfile import SeedError
    from .server import LiveServer

    try:
        # Always in memory (a test run never touches a data file) and with /__mock on.
        server = LiveServer(config={**tpc_mock_config, "in_memory": True, "control": True})
    except (ConfigError, SeedError) as exc:
        pytest.fail(f"tpc-mock: {exc}", pytrace=False)
    rt = server.runtime  # LiveServer has set rt.config's port to the one it listens on
    recorder = ErrorRecorder(rt)
    logging.getLogger("tpc_mock").addHandler(recorder)
    server.app.extensions["tpc_mock.pytest"] = {"recorder": recorder, "cache": {}}
    server.start()
    try:
        yield server
    finally:
        logging.getLogger("tpc_mock").removeHandler(recorder)
        server.stop()


@pytest.fixture
def tpc_mock(tpc_mock_server: LiveServer) -> Iterator[TpcMock]:
    """The live emulator, reset to the seed before this test; fails it on server errors."""
    state = tpc_mock_server.app.extensions["tpc_mock.pytest"]
    handle = TpcMock(tpc_mock_server, state["recorder"], state["cache"])
    state["recorder"].take()  # errors logged between tests belong to no test
    handle.check()  # a server that died earlier fails here, not with a confusing refusal
    tpc_mock_server.runtime.reset()
    try:
        yield handle
    finally:
        handle.close()
    handle.check()
