"""The `tpc-mock` command: serve, seed, fixtures, login, whoami."""

from __future__ import annotations

import gc
import json
import logging
import shlex
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import click

from .config import SETTING, Config, ConfigError, load_config
from .seedfile import SeedError
from .seeding import generate_seed, write_seed
from .startup import (
    DataLock,
    ReadyFile,
    StartError,
    check_bindable,
    describe_os_error,
    remove_data_file,
    served_credentials,
)
from .storage import StoreCorrupt

if TYPE_CHECKING:
    from .runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])


class LazyGroup(click.Group):
    """A click group whose client commands load on use (click's documented lazy pattern).

    `login` and `whoami` need `requests`; importing it costs every `serve` start 80 ms.
    """

    lazy: ClassVar[dict[str, str]] = {"login": "login", "whoami": "whoami"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            from . import login as client

            command: click.Command = getattr(client, self.lazy[name])
            return command
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup)
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


class StartFailure(click.ClickException):
    """A command that cannot run as asked: one line on stderr, exit status 2."""

    exit_code = 2


def setting(flag: str, *decls: str, **kwargs: Any) -> Callable[[F], F]:
    """A `serve` option whose env var, default text and help come from config.SETTINGS."""
    spec = SETTING[flag]
    kwargs.setdefault("help", spec.help[0].upper() + spec.help[1:].replace("`", "") + ".")
    return click.option(flag, *decls, envvar=spec.env, show_envvar=True, **kwargs)


DEFAULTS = Config()


@main.command()
@setting("--host", default=DEFAULTS.host, show_default=True)
@setting("--port", type=int, default=DEFAULTS.port, show_default=True)
@setting("--data", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULTS.data,
         show_default=True)
@setting("--in-memory", is_flag=True)
@setting("--fresh", is_flag=True,
         help="Replace the data file with the seed before starting (once no other server "
              "holds it).")
@setting("--seed", type=click.Path(dir_okay=False, path_type=Path), default=None,
         help="Seed file (default: the bundled seed/default.json).")
@setting("--cors-origin", "cors_origins", multiple=True,
         help="Allowed browser origin (repeatable; replaces the defaults).")
@setting("--allowed-host", "allowed_hosts", multiple=True)
@setting("--base-url", default=None)
@setting("--secret", default=None)
@setting("--threads", type=int, default=DEFAULTS.threads, show_default=True)
@setting("--connection-limit", type=int, default=DEFAULTS.connection_limit, show_default=True)
@setting("--idle-timeout", type=int, default=DEFAULTS.idle_timeout, show_default=True)
@setting("--rate-limit", default="300/60", show_default=True)
@setting("--max-body", type=int, default=DEFAULTS.max_body, show_default=True)
@setting("--no-control", is_flag=True)
@setting("--ready-file", type=click.Path(dir_okay=False, path_type=Path), default=None)
def serve(host: str, port: int, data: Path, in_memory: bool, fresh: bool, seed: Path | None,
          cors_origins: tuple[str, ...], allowed_hosts: tuple[str, ...], base_url: str | None,
          secret: str | None, threads: int, connection_limit: int, idle_timeout: int,
          rate_limit: str, max_body: int, no_control: bool, ready_file: Path | None) -> None:
    """Run the emulator with waitress."""
    source = click.get_current_context().get_parameter_source("data")
    if in_memory and source not in (None, click.core.ParameterSource.DEFAULT):
        raise click.UsageError("--data and --in-memory exclude each other")
    try:
        config = load_config({
            "host": host, "port": port, "data": data, "in_memory": in_memory, "seed": seed,
            "cors_origins": cors_origins or None, "allowed_hosts": allowed_hosts,
            "base_url": base_url, "secret": secret, "threads": threads,
            "connection_limit": connection_limit, "idle_timeout": idle_timeout,
            "rate_limit": rate_limit, "max_body": max_body, "control": not no_control,
        })
    except ConfigError as exc:
        raise StartFailure(str(exc)) from exc
    lock = DataLock(config.data) if config.data is not None else None
    try:
        _serve(config, lock, fresh=fresh, ready_file=ready_file)
    except StartError as exc:
        raise StartFailure(str(exc)) from exc
    except (SeedError, StoreCorrupt) as exc:
        raise StartFailure(str(exc)) from exc
    except BrokenPipeError:  # stdout closed (`| head`): nobody is left to tell
        raise SystemExit(1) from None
    except OSError as exc:
        raise StartFailure(describe_os_error(exc, config)) from exc
    finally:
        if lock is not None:
            lock.release()


def _serve(config: Config, lock: DataLock | None, *, fresh: bool,
           ready_file: Path | None) -> None:
    from .app import create_app
    from .connections import create_server

    check_bindable(config.host, config.port)
    reused = False
    if config.data is not None and lock is not None:
        lock.acquire()
        if fresh:
            remove_data_file(config.data)
        reused = config.data.exists()
    gc.disable()  # start-up makes the whole store and no garbage cycle worth a collection
    try:
        app = create_app(config)
    finally:
        gc.freeze()  # the store lives as long as the server: later collections skip it
        gc.enable()
    rt = app.extensions["tpc_mock"]
    try:
        # "Task queue depth is N" is waitress thinking aloud under load, not an error.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        try:
            server = create_server(app, config, host=config.host, port=config.port)
        except ValueError as exc:  # waitress: a host name that does not resolve
            raise StartError(f"cannot listen on --host {config.host}: no such address "
                             "(use 127.0.0.1, or 0.0.0.0 for every interface)") from exc
        rt.bound_to(server.effective_port)
        ready = None
        if ready_file is not None:
            ready = ReadyFile(ready_file, rt.config.public_url, _probe_url(rt.config))
            ready.start()
        _print_banner(rt, reused=reused)
        # docker stop: flush like Ctrl+C does
        previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            if ready is not None:
                ready.remove()
    finally:
        # Persists bookkeeping kept in memory between writes (API keys' lastRequest).
        rt.store.close()
    where = "data discarded (in memory)" if config.in_memory else f"data kept in {config.data}"
    click.echo(f"tpc-mock stopped; {where}.")


def _probe_url(config: Config) -> str:
    host = "127.0.0.1" if config.host in ("0.0.0.0", "", "::") else config.host
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{host}:{config.port}/favicon.ico"


def _print_banner(rt: Runtime, *, reused: bool) -> None:
    from .connections import exposure_warning
    from .control import fixtures

    config = rt.config
    url = f"http://{config.host}:{config.port}"
    where = "in memory" if config.in_memory else str(config.data)
    click.echo(f"tpc-mock listening on {url}  (data: {where})")
    warning = exposure_warning(config.host, control=config.control)
    if warning:
        click.echo(warning, err=True)
    click.echo(f"Dashboard: {config.public_url}/sign-in   (start page: {config.public_url}/)")
    if config.control:
        click.echo(f"Console:   {config.public_url}/__mock/console")
    creds, kept, total = served_credentials(rt, fixtures(rt))
    if reused:
        click.echo(f"Reused the data file {config.data}: {kept} of the seed's {total} dev "
                   f"credentials work on it. Start fresh with --fresh (or {_delete_hint(config)}).")
    click.echo("Dev credentials:" if kept else "Dev credentials: none of the seed's work on "
               "this data file.")
    if kept:
        click.echo(_credentials_text(creds))
    key = next((k["key"] for k in creds["apiKeys"] if k["enabled"]), None)
    click.echo("For TPC's SDK and curl, paste:")
    click.echo(_export_text(config.public_url, key))
    click.echo("Press Ctrl+C to stop.")
    sys.stdout.flush()


def _delete_hint(config: Config) -> str:
    data = config.data or Path()
    if data.parent.name == ".tpc-mock":
        return f"rm -rf {data.parent}"
    return f"delete {data} and {data}.journal"


def _export_text(base_url: str, key: str | None, extra: dict[str, str] | None = None) -> str:
    names = {"THE_PROMPTING_COMPANY_BASE_URL": base_url, **({"TPC_API_KEY": key} if key else {}),
             **(extra or {})}
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in names.items())


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write, e.g. seed/default.json in a checkout.")
@click.option("--faker-seed", type=int, default=20260105, show_default=True)
@click.option("--pages", type=click.IntRange(1, 100000), default=60, show_default=True)
def seed(out: Path, faker_seed: int, pages: int) -> None:
    """Regenerate the seed with Faker (deterministic for a given --faker-seed)."""
    if _is_terminal():
        with click.progressbar(length=pages, label="Generating pages", file=sys.stderr) as bar:
            generated = generate_seed(faker_seed=faker_seed, pages=pages, progress=bar.update)
    else:
        generated = generate_seed(faker_seed=faker_seed, pages=pages)
    try:
        write_seed(generated, out)
    except OSError as exc:
        raise StartFailure(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {out}")


def _is_terminal() -> bool:
    return sys.stderr.isatty()


@main.command(name="fixtures")
@setting("--seed", type=click.Path(dir_okay=False, path_type=Path), default=None,
         help="Seed file (default: the bundled seed/default.json).")
@setting("--secret", default=None)
@setting("--base-url", default=None, help="The server's base URL, for --export.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the whole GET /__mock/fixtures answer as JSON.")
@click.option("--export", "as_export", is_flag=True,
              help="Print `export` lines for TPC's SDK (base URL, full-access key, ids).")
def fixtures_command(seed: Path | None, secret: str | None, base_url: str | None,
                     as_json: bool, as_export: bool) -> None:
    """Print the dev credentials of the seed."""
    from .control import fixtures
    from .runtime import Runtime
    from .seedfile import load_seed
    from .store import Store

    try:
        config = load_config({"seed": seed, "secret": secret, "base_url": base_url,
                              "in_memory": True}, env={})
        loaded = load_seed(config.seed)
    except (ConfigError, SeedError) as exc:
        raise StartFailure(str(exc)) from exc
    rt = Runtime(config=config, store=Store({}), seed=loaded)
    data = fixtures(rt)
    if as_json:
        click.echo(json.dumps(data, indent=2))
    elif as_export:
        key = next((k for k in data["apiKeys"] if k["enabled"]), None)
        ids = {"TPC_ORGANIZATION_ID": key["organizationId"]} if key else {}
        product = next((p for p in data["products"] if key and
                        p["organizationId"] == key["organizationId"]), None)
        if product:
            ids["TPC_PRODUCT_ID"] = product["id"]
        click.echo(_export_text(config.public_url, key["key"] if key else None, ids))
    else:
        click.echo(_credentials_text(data))


if __name__ == "__main__":
    main()
