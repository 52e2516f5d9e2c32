"""`tpc-mock login` and `tpc-mock whoami` against a live server, with an injected sleep."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from tpc_mock.auth.secrets import digest
from tpc_mock.cli import main
from tpc_mock.clock import parse_iso
from tpc_mock.login import save_credentials
from tpc_mock.runtime import Runtime
from tpc_mock.server import LiveServer


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer() as live:
        yield live


@pytest.fixture(autouse=True)
def fresh(server: LiveServer) -> None:
    server.runtime.reset()


@pytest.fixture
def creds_file(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "credentials.json"


def browser_session(server: LiveServer, email: str = "owner@example.com") -> requests.Session:
    """A requests session signed in through POST /api/auth/sign-in/email."""
    rt: Runtime = server.runtime
    password = next(u["password"] for u in rt.credentials["users"]
                    if rt.store.get("users", u["id"])["email"] == email)  # type: ignore[index]
    session = requests.Session()
    response = session.post(f"{server.url}/api/auth/sign-in/email",
                            json={"email": email, "password": password}, timeout=10)
    assert response.status_code == 200, response.text
    return session


def pending_code(rt: Runtime, *, polled: bool = False) -> str | None:
    rows = [r for r in rt.store.all("deviceCodes") if r["status"] == "pending"
            and (r.get("lastPolledAt") or not polled)]
    return str(rows[0]["userCode"]) if rows else None


def decide(server: LiveServer, user_code: str, action: str = "approve") -> None:
    """Claim and approve (or deny) from a signed-in browser session."""
    browser = browser_session(server)
    browser.get(f"{server.url}/api/auth/device", params={"user_code": user_code}, timeout=10)
    response = browser.post(f"{server.url}/api/auth/device/{action}", json={"userCode": user_code},
                            headers={"Origin": server.url}, timeout=10)
    assert response.json() == {"success": True}, response.text
    browser.close()


def run(args: list[str], **obj: Any) -> Any:
    return CliRunner().invoke(main, args, obj=obj, catch_exceptions=False)


def scripted_sleep(server: LiveServer, steps: list[Callable[[float], Any]]) -> tuple[
        Callable[[float], None], list[float]]:
    """A sleep that records what it was asked and runs one scripted step per call."""
    asked: list[float] = []

    def sleep(seconds: float) -> None:
        asked.append(seconds)
        step = steps.pop(0) if steps else (lambda s: server.runtime.clock.advance(s))
        step(seconds)

    return sleep, asked


def test_login_polls_until_another_thread_approves_then_whoami(server: LiveServer,
                                                                creds_file: Path) -> None:
    rt: Runtime = server.runtime
    approved = threading.Event()

    def approver() -> None:  # approves once the CLI has polled and heard "pending"
        for _ in range(500):
            code = pending_code(rt, polled=True)
            if code:
                decide(server, code)
                approved.set()
                return
            threading.Event().wait(0.02)

    thread = threading.Thread(target=approver, daemon=True)
    thread.start()

    asked: list[float] = []

    def sleep(seconds: float) -> None:  # no real waiting: move the server's clock instead
        if asked:
            approved.wait(10)
        asked.append(seconds)
        rt.clock.advance(seconds)

    result = run(["login", "--base-url", server.url, "--scope", "content:read",
                  "--scope", "prompts:read analytics:read", "--config", str(creds_file),
                  "--no-browser"], sleep=sleep)
    thread.join(10)
    assert result.exit_code == 0, result.output
    assert asked == [5, 5]  # pending, then the grant
    assert f"{server.url}/device" in result.output and "enter the code:" in result.output
    assert stat.S_IMODE(creds_file.stat().st_mode) == 0o600
    saved = json.loads(creds_file.read_text())
    assert set(saved) == {"baseUrl", "accessToken", "scope", "expiresAt"}
    assert (saved["baseUrl"], saved["scope"]) == (server.url, "content:read prompts:read analytics:read")
    lifetime = parse_iso(saved["expiresAt"]) - datetime.now(timezone.utc)
    assert 6.9 * 86400 < lifetime.total_seconds() <= 7 * 86400  # the session's lifetime
    session = rt.store.find_one("sessions", "tokenHash", digest(saved["accessToken"]))
    assert session is not None and session["scopes"] == ["content:read", "prompts:read",
                                                          "analytics:read"]
    who = run(["whoami", "--config", str(creds_file)])
    assert who.exit_code == 0, who.output
    assert "owner@example.com" in who.output and "Example Org (example-org) owner" in who.output
    assert "Scopes: content:read prompts:read analytics:read" in who.output


def test_login_slows_down_when_told_and_opens_the_browser(server: LiveServer,
                                                          creds_file: Path) -> None:
    rt: Runtime = server.runtime
    opened: list[str] = []

    def approve_then_wait(seconds: float) -> None:
        decide(server, pending_code(rt) or "")
        rt.clock.advance(seconds)

    steps: list[Callable[[float], Any]] = [
        rt.clock.advance,  # first poll: pending
        lambda s: rt.clock.advance(1),  # too early: slow_down
        approve_then_wait,
    ]
    sleep, asked = scripted_sleep(server, steps)
    result = run(["login", "--base-url", server.url, "--config", str(creds_file)],
                 sleep=sleep, open_browser=opened.append)
    assert result.exit_code == 0, result.output
    assert asked == [5, 5, 10]  # the interval grew by 5 s after slow_down
    assert len(opened) == 1 and opened[0].startswith(f"{server.url}/device?user_code=")
    assert json.loads(creds_file.read_text())["scope"].split()[0] == "content:read"


def test_login_stops_on_access_denied(server: LiveServer, creds_file: Path) -> None:
    rt: Runtime = server.runtime

    def deny(seconds: float) -> None:
        decide(server, pending_code(rt) or "", "deny")

    sleep, _ = scripted_sleep(server, [deny])
    result = run(["login", "--base-url", server.url, "--config", str(creds_file), "--no-browser"],
                 sleep=sleep)
    assert result.exit_code == 1
    assert "access denied" in result.output
    assert not creds_file.exists()


def test_login_stops_when_the_code_expires(server: LiveServer, creds_file: Path) -> None:
    rt: Runtime = server.runtime
    sleep, asked = scripted_sleep(server, [lambda s: rt.clock.advance(1801)])
    result = run(["login", "--base-url", server.url, "--config", str(creds_file), "--no-browser"],
                 sleep=sleep)
    assert result.exit_code == 1
    assert "the code expired before it was approved" in result.output
    assert asked == [5] and not creds_file.exists()


def test_login_reports_an_unknown_scope(server: LiveServer, creds_file: Path) -> None:
    result = run(["login", "--base-url", server.url, "--scope", "content:read bogus:scope",
                  "--config", str(creds_file), "--no-browser"], sleep=lambda s: None)
    assert result.exit_code == 1
    assert "invalid_scope: Unknown scope: bogus:scope" in result.output
    assert server.runtime.store.count("deviceCodes") == 0


def test_login_reports_an_unreachable_server(creds_file: Path) -> None:
    result = run(["login", "--base-url", "http://127.0.0.1:9", "--config", str(creds_file),
                  "--no-browser"], sleep=lambda s: None)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        ("Error: nothing answers at http://127.0.0.1:9: is the emulator running? "
        "Start it with `tpc-mock serve`, or pass the right --base-url")]


@pytest.mark.parametrize("command", [["login", "--no-browser"], ["whoami"]])
def test_a_base_url_without_scheme_is_one_line_naming_the_fix(
        creds_file: Path, command: list[str]) -> None:
    if command == ["whoami"]:
        save_credentials(creds_file, {"baseUrl": "http://127.0.0.1:9", "accessToken": "t"})
    result = run([*command, "--base-url", "127.0.0.1:8765", "--config", str(creds_file)],
                 sleep=lambda s: None)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        ("Error: --base-url 127.0.0.1:8765 is not an http:// or https:// URL; "
        "try --base-url http://127.0.0.1:8765")]


def test_whoami_without_credentials(creds_file: Path) -> None:
    result = run(["whoami", "--config", str(creds_file)])
    assert result.exit_code == 1
    assert "not logged in" in result.output


def test_whoami_with_a_revoked_or_expired_token(server: LiveServer, creds_file: Path) -> None:
    rt: Runtime = server.runtime
    bearer = rt.credentials["bearerTokens"][0]["token"]
    save_credentials(creds_file, {"baseUrl": server.url, "accessToken": bearer,
                                  "scope": "", "expiresAt": "2099-01-01T00:00:00Z"})
    assert run(["whoami", "--config", str(creds_file)]).exit_code == 0
    row = rt.store.find_one("sessions", "tokenHash", digest(bearer))
    rt.store.remove("sessions", row["id"])  # type: ignore[index]
    result = run(["whoami", "--config", str(creds_file)])
    assert result.exit_code == 1
    assert "the saved token was refused (expired or revoked)" in result.output


def test_credentials_are_replaced_atomically_with_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "credentials.json"
    target.write_text("{}")
    target.chmod(0o644)
    save_credentials(target, {"accessToken": "t"})
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text()) == {"accessToken": "t"}
    assert [p.name for p in tmp_path.iterdir()] == ["credentials.json"]
