"""`tpc-mock login` and `tpc-mock whoami`: a reference device-flow client.

Tests inject `sleep`, `open_browser` and `now` through click's `obj`
(`CliRunner().invoke(main, args, obj={"sleep": fake})`), so polling never waits
for real.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import requests

from .clock import iso

DEFAULT_BASE_URL = "http://127.0.0.1:8765"
DEFAULT_CLIENT_ID = "tpc-cli"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5
TIMEOUT = 30


def default_config_path() -> Path:
    """~/.config/tpc-mock/credentials.json"""
    return Path.home() / ".config" / "tpc-mock" / "credentials.json"


@dataclass
class Hooks:
    """The client's side effects, replaceable in tests."""

    sleep: Callable[[float], Any] = time.sleep
    open_browser: Callable[[str], Any] = webbrowser.open
    now: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))


def _hooks() -> Hooks:
    obj = click.get_current_context().obj
    hooks = Hooks()
    if isinstance(obj, dict):
        for name in ("sleep", "open_browser", "now"):
            if name in obj:
                setattr(hooks, name, obj[name])
    return hooks


# -- credentials file ------------------------------------------------------------
def save_credentials(path: Path, data: dict[str, Any]) -> None:
    """Write the credentials atomically with mode 0600 (temp file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_credentials(path: Path) -> dict[str, Any] | None:
    """The saved credentials, or None when there are none (or they are unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("accessToken") else None


# -- HTTP ------------------------------------------------------------------------
class Unreachable(click.ClickException):
    """The server cannot be asked at all: one line on stderr, exit status 2."""

    exit_code = 2


def check_base_url(base_url: str) -> str:
    """`base_url` when it is an http(s) URL with a host, else Unreachable saying the fix."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Unreachable(f"--base-url {base_url} is not an http:// or https:// URL; "
                          f"try --base-url http://{base_url.split('://')[-1]}")
    return base_url


def unreachable(base_url: str, exc: requests.RequestException) -> Unreachable:
    """The one-line error for a request that never got an answer."""
    if isinstance(exc, requests.ConnectionError):
        return Unreachable(f"nothing answers at {base_url}: is the emulator running? "
                           "Start it with `tpc-mock serve`, or pass the right --base-url")
    if isinstance(exc, requests.Timeout):
        return Unreachable(f"{base_url} did not answer within {TIMEOUT} s")
    return Unreachable(f"cannot reach {base_url}: {exc}")


def _post(base_url: str, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """POST a form and return (status, JSON object), or fail with a clear message."""
    url = check_base_url(base_url).rstrip("/") + path
    try:
        response = requests.post(url, data=form, timeout=TIMEOUT,
                                 headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise unreachable(base_url, exc) from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise click.ClickException(f"{url} answered {response.status_code} without a JSON object")
    return response.status_code, body


def _describe(body: dict[str, Any]) -> str:
    error = body.get("error") or body.get("code") or "error"
    text = body.get("error_description") or body.get("message")
    return f"{error}: {text}" if text else str(error)


def request_device_code(base_url: str, client_id: str, scope: str | None) -> dict[str, Any]:
    """Step 1 of RFC 8628: ask for a device code and a user code."""
    form = {"client_id": client_id}
    if scope:
        form["scope"] = scope
    status, body = _post(base_url, "/api/auth/device/code", form)
    if status != 200 or "device_code" not in body:
        raise click.ClickException(f"the server refused the device code request ({_describe(body)})")
    return body


def poll_for_token(base_url: str, client_id: str, device: dict[str, Any],
                   sleep: Callable[[float], Any]) -> dict[str, Any]:
    """Poll the token endpoint at the server's interval, slowing down when asked."""
    interval = int(device.get("interval") or 5)
    remaining = float(device.get("expires_in") or 1800)
    form = {"grant_type": DEVICE_CODE_GRANT, "device_code": device["device_code"],
            "client_id": client_id}
    while remaining > 0:
        sleep(interval)
        remaining -= interval
        status, body = _post(base_url, "/api/auth/device/token", form)
        if status == 200 and body.get("access_token"):
            return body
        error = body.get("error")
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += SLOW_DOWN_STEP
            continue
        if error == "access_denied":
            raise click.ClickException("access denied: the request was denied in the browser")
        if error == "expired_token":
            raise click.ClickException("the code expired before it was approved; "
                                       "run `tpc-mock login` again")
        raise click.ClickException(f"login failed ({_describe(body)})")
    raise click.ClickException("the code expired before it was approved; "
                               "run `tpc-mock login` again")


def _join_scopes(scopes: tuple[str, ...]) -> str | None:
    names = [name for value in scopes for name in value.replace(",", " ").split()]
    return " ".join(dict.fromkeys(names)) or None


def _show_code(device: dict[str, Any], hooks: Hooks, no_browser: bool) -> None:
    code = str(device["user_code"])
    shown = f"{code[:4]}-{code[4:]}" if len(code) == 8 else code
    click.echo("To sign in, open this page in a browser:")
    click.echo(f"  {device['verification_uri']}")
    click.echo(f"and enter the code:  {shown}")
    complete = device.get("verification_uri_complete")
    if complete:
        click.echo(f"(or open {complete})")
    if not no_browser and complete:
        try:
            hooks.open_browser(complete)
        except (webbrowser.Error, OSError):  # no browser is fine: the URL is printed
            click.echo("(could not open a browser)")
    click.echo("Waiting for approval...")


# -- commands ----------------------------------------------------------------------
config_option = click.option(
    "--config", "config_path", envvar="TPC_MOCK_CONFIG", show_envvar=True, default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Credentials file (default: ~/.config/tpc-mock/credentials.json).")


@click.command()
@click.option("--base-url", envvar="TPC_MOCK_BASE_URL", show_envvar=True,
              default=DEFAULT_BASE_URL, show_default=True, help="The emulator's base URL.")
@click.option("--scope", "scopes", multiple=True,
              help="Scope to ask for (repeatable or space separated; default: all).")
@click.option("--client-id", envvar="TPC_MOCK_CLIENT_ID", show_envvar=True,
              default=DEFAULT_CLIENT_ID, show_default=True, help="The OAuth client id to ask as.")
@config_option
@click.option("--no-browser", is_flag=True, help="Only print the URL; do not open a browser.")
def login(base_url: str, scopes: tuple[str, ...], client_id: str, config_path: Path | None,
          no_browser: bool) -> None:
    """Sign in with the device flow (RFC 8628) and save a bearer token."""
    hooks = _hooks()
    path = config_path or default_config_path()
    device = request_device_code(base_url, client_id, _join_scopes(scopes))
    _show_code(device, hooks, no_browser)
    token = poll_for_token(base_url, client_id, device, hooks.sleep)
    expires_at = hooks.now() + timedelta(seconds=int(token.get("expires_in") or 0))
    save_credentials(path, {
        "baseUrl": base_url.rstrip("/"), "accessToken": token["access_token"],
        "scope": token.get("scope", ""),
        "expiresAt": iso(expires_at),
    })
    click.echo(f"Logged in. Scopes: {token.get('scope') or '(none)'}")
    click.echo(f"Credentials saved to {path}")


def _print_identity(data: dict[str, Any]) -> None:
    user = data.get("user") or {}
    name = f" ({user['name']})" if user.get("name") else ""
    click.echo(f"{user.get('email')}{name}")
    click.echo("Organizations:")
    active = data.get("activeOrganizationId")
    for org in data.get("organizations") or []:
        mark = "*" if org.get("id") == active else " "
        click.echo(f"  {mark} {org.get('name')} ({org.get('slug')}) {org.get('role')}")
    click.echo(f"Scopes: {' '.join(data.get('scopes') or []) or '(none)'}")


@click.command()
@click.option("--base-url", envvar="TPC_MOCK_BASE_URL", show_envvar=True, default=None,
              help="The emulator's base URL (default: the one saved by login).")
@config_option
def whoami(base_url: str | None, config_path: Path | None) -> None:
    """Show who the saved token belongs to (GET /api/v1/me)."""
    path = config_path or default_config_path()
    saved = load_credentials(path)
    if saved is None:
        raise click.ClickException(f"not logged in (no credentials in {path}); "
                                   "run `tpc-mock login`")
    base = check_base_url(base_url or saved.get("baseUrl") or DEFAULT_BASE_URL)
    url = base.rstrip("/") + "/api/v1/me"
    try:
        response = requests.get(url, timeout=TIMEOUT,
                                headers={"Authorization": f"Bearer {saved['accessToken']}"})
    except requests.RequestException as exc:
        raise unreachable(base, exc) from exc
    if response.status_code == 401:
        raise click.ClickException("the saved token was refused (expired or revoked); "
                                   "run `tpc-mock login` again")
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or not body.get("ok"):
        raise click.ClickException(f"{url} answered {response.status_code}")
    _print_identity(body["data"])
