"""The `tpc-mock` command: serve, seed, fixtures, login, whoami."""

from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click

from .config import ConfigError, load_config
from .seeding import SeedError, default_seed_path, generate_seed, write_seed
from .storage import StoreCorrupt


@click.group()
@click.version_option(package_name="tpc-mock")
def main() -> None:
    """tpc-mock: a local emulator of The Prompting Company API."""


def _credentials_text(fixtures: dict[str, Any]) -> str:
    lines = []
    for key in fixtures["apiKeys"]:
        state = "" if key["enabled"] else "  (revoked)"
        lines.append(f"  API key   {key['name']:<20} {key['key']}{state}")
    for token in fixtures["bearerTokens"]:
        lines.append(f"  Bearer    {token['userId']:<20} {token['token']}")
    for session in fixtures["sessions"]:
        lines.append(f"  Cookie    {session['userId']:<20} {session['cookie']}")
    for user in fixtures["users"][:4]:
        lines.append(f"  User      {user['email']:<20} password {user['password']}")
    return "\n".join(lines)


@main.command()
@click.option("--host", envvar="TPC_MOCK_HOST", default="127.0.0.1", show_default=True,
              help="Interface to listen on.")
@click.option("--port", envvar="TPC_MOCK_PORT", type=int, default=8765, show_default=True)
@click.option("--data", envvar="TPC_MOCK_DATA", type=click.Path(dir_okay=False, path_type=Path),
              default=Path(".tpc-mock/db.json"), show_default=True, help="TinyDB data file.")
@click.option("--in-memory", envvar="TPC_MOCK_IN_MEMORY", is_flag=True,
              help="Keep state in memory only (nothing written to disk).")
@click.option("--seed", envvar="TPC_MOCK_SEED", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Seed file (default: the bundled seed/default.json).")
@click.option("--cors-origin", "cors_origins", envvar="TPC_MOCK_CORS_ORIGIN", multiple=True,
              help="Allowed browser origin (repeatable; replaces the defaults).")
@click.option("--allowed-host", "allowed_hosts", envvar="TPC_MOCK_ALLOWED_HOSTS", multiple=True,
              help="Another host name the server answers to (repeatable; `.example.com` "
                   "for subdomains, `*` for any).")
@click.option("--base-url", envvar="TPC_MOCK_BASE_URL", default=None,
              help="Public base URL (https makes cookies __Secure-).")
@click.option("--secret", envvar="TPC_MOCK_SECRET", default=None, help="Cookie signing secret.")
@click.option("--threads", envvar="TPC_MOCK_THREADS", type=int, default=8, show_default=True)
@click.option("--connection-limit", envvar="TPC_MOCK_CONNECTION_LIMIT", type=int, default=200,
              show_default=True, help="Open connections; near it, the longest-idle are closed.")
@click.option("--idle-timeout", envvar="TPC_MOCK_IDLE_TIMEOUT", type=int, default=60,
              show_default=True, help="Seconds before an idle connection is closed.")
@click.option("--rate-limit", envvar="TPC_MOCK_RATE_LIMIT", default="300/60", show_default=True,
              help="Per-key limit N/SECONDS, or 0 to turn it off.")
@click.option("--no-control", envvar="TPC_MOCK_NO_CONTROL", is_flag=True,
              help="Turn off the /__mock control API.")
def serve(host: str, port: int, data: Path, in_memory: bool, seed: Path | None,
          cors_origins: tuple[str, ...], allowed_hosts: tuple[str, ...], base_url: str | None, secret: str | None,
          threads: int, connection_limit: int, idle_timeout: int, rate_limit: str,
          no_control: bool) -> None:
    """Run the emulator with waitress."""

    source = click.get_current_context().get_parameter_source("data")
    if in_memory and source not in (None, click.core.ParameterSource.DEFAULT):
        raise click.UsageError("--data and --in-memory exclude each other")

    from .app import create_app
    from .connections import create_server, exposure_warning
    from .control import fixtures

    try:
        config = load_config({
            "host": host, "port": port, "data": data, "in_memory": in_memory, "seed": seed,
            "cors_origins": cors_origins or None, "allowed_hosts": allowed_hosts,
            "base_url": base_url, "secret": secret,
            "threads": threads, "connection_limit": connection_limit,
            "idle_timeout": idle_timeout, "rate_limit": rate_limit, "control": not no_control,
        }, env={})
        app = create_app(config)
    except (ConfigError, SeedError, StoreCorrupt) as exc:
        raise click.ClickException(str(exc)) from exc
    # "Task queue depth is N" is waitress thinking aloud under load, not an error.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(app, config, host=config.host, port=config.port)
    actual_port = server.effective_port  # type: ignore[union-attr]
    app.extensions["tpc_mock"].bound_to(actual_port)
    url = f"http://{config.host}:{actual_port}"
    where = "in memory" if config.in_memory else str(config.data)
    click.echo(f"tpc-mock listening on {url}  (data: {where})")
    warning = exposure_warning(config.host, control=config.control)
    if warning:
        click.echo(warning, err=True)
    click.echo("Dev credentials:")
    click.echo(_credentials_text(fixtures(app.extensions["tpc_mock"])))
    click.echo("Press Ctrl+C to stop.")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # docker stop: flush like Ctrl+C does
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        # Persists bookkeeping kept in memory between writes (API keys' lastRequest).
        app.extensions["tpc_mock"].store.close()


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write (default: the bundled seed/default.json).")
@click.option("--faker-seed", type=int, default=20260105, show_default=True)
@click.option("--pages", type=click.IntRange(1, 100000), default=60, show_default=True)
def seed(out: Path | None, faker_seed: int, pages: int) -> None:
    """Regenerate the seed with Faker (deterministic for a given --faker-seed)."""
    target = out or default_seed_path()
    write_seed(generate_seed(faker_seed=faker_seed, pages=pages), target)
    click.echo(f"wrote {target}")


@main.command(name="fixtures")
@click.option("--seed", envvar="TPC_MOCK_SEED", type=click.Path(dir_okay=False, path_type=Path),
              default=None)
@click.option("--secret", envvar="TPC_MOCK_SECRET", default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def fixtures_command(seed: Path | None, secret: str | None, as_json: bool) -> None:
    """Print the dev credentials of the seed."""
    from .control import fixtures
    from .runtime import Runtime
    from .seeding import load_seed
    from .store import Store

    try:
        config = load_config({"seed": seed, "secret": secret, "in_memory": True}, env={})
        loaded = load_seed(config.seed)
    except (ConfigError, SeedError) as exc:
        raise click.ClickException(str(exc)) from exc
    rt = Runtime(config=config, store=Store({}), seed=loaded)
    data = fixtures(rt)
    click.echo(json.dumps(data, indent=2) if as_json else _credentials_text(data))


def _register_client_commands() -> None:
    from .login import login, whoami

    main.add_command(login)
    main.add_command(whoami)


_register_client_commands()


if __name__ == "__main__":
    main()
