"""Configuration: defaults, then `TPC_MOCK_*` environment variables, then explicit values."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_CORS_ORIGINS = (
    "http://localhost:3000",
    "http://localhost:5173",
    "http://127.0.0.1:3000",
    "http://127.0.0.1:5173",
)
DEFAULT_SECRET = "tpc-mock-dev-secret-not-for-production"


class ConfigError(ValueError):
    """A configuration value that cannot be used."""


def parse_rate_limit(text: str) -> tuple[int, int] | None:
    """`300/60` -> (300, 60); `0` or `off` -> None (no limit)."""
    text = text.strip().lower()
    if text in ("0", "off", "none"):
        return None
    count, _, seconds = text.partition("/")
    try:
        limit, window = int(count), int(seconds or "60")
    except ValueError as exc:
        raise ConfigError(f"rate limit {text!r} is not N/SECONDS (like 300/60) or 0") from exc
    if limit < 0 or window <= 0:
        raise ConfigError(f"rate limit {text!r} needs N >= 0 and SECONDS > 0")
    return None if limit == 0 else (limit, window)


def _rate_limit(value: Any) -> tuple[int, int] | None:
    """A rate limit given as text, a number of requests per 60 s, or (N, SECONDS)."""
    if isinstance(value, str):
        return parse_rate_limit(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_rate_limit(str(value))
    if (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        return parse_rate_limit(f"{value[0]}/{value[1]}")
    raise ConfigError(f"rate limit {value!r} is not N/SECONDS (like 300/60) or 0")


@dataclass(frozen=True)
class Config:
    """Everything the app factory needs; see the README's configuration table."""

    host: str = "127.0.0.1"
    port: int = 8765
    data: Path | None = Path(".tpc-mock/db.json")
    seed: Path | None = None
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    allowed_hosts: tuple[str, ...] = ()
    base_url: str | None = None
    secret: str = DEFAULT_SECRET
    threads: int = 8
    connection_limit: int = 200
    idle_timeout: int = 60
    rate_limit: tuple[int, int] | None = (300, 60)
    control: bool = True
    max_body: int = 1024 * 1024
    journal_size: int = 1000
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def in_memory(self) -> bool:
        return self.data is None

    @property
    def public_url(self) -> str:
        """The server's own base URL: `--base-url`, else http://host:port."""
        if self.base_url:
            return self.base_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


def _convert(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in ("port", "threads", "max_body", "journal_size", "connection_limit", "idle_timeout"):
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc
    if name in ("data", "seed"):
        return Path(value) if not isinstance(value, Path) else value
    if name in ("cors_origins", "allowed_hosts"):
        if isinstance(value, str):
            value = [v for v in value.replace(",", " ").split() if v]
        return tuple(value)
    if name == "rate_limit":
        return _rate_limit(value)
    if name == "control":
        if isinstance(value, str):
            return value.strip().lower() not in ("0", "false", "no", "off")
        return bool(value)
    return value


@dataclass(frozen=True)
class Setting:
    """One `tpc-mock serve` setting: its flag, env var, README default and help."""

    flag: str
    env: str
    default: str  # as the README's configuration table shows it
    help: str
    field: str | None = None  # the Config field it sets (None: --in-memory, --no-control)


_D = Config()
# The one list of settings: the CLI's options, load_config's env names and the README's
# configuration table all come from it (tests/test_config_table.py compares them).
SETTINGS = (
    Setting("--host", "TPC_MOCK_HOST", f"`{_D.host}`", "interface to listen on", "host"),
    Setting("--port", "TPC_MOCK_PORT", f"`{_D.port}`", "port (`0` picks a free one)", "port"),
    Setting("--data", "TPC_MOCK_DATA", f"`{_D.data}`",
            "TinyDB data file; created from the seed on first start", "data"),
    Setting("--in-memory", "TPC_MOCK_IN_MEMORY", "off",
            "keep everything in memory (not with `--data`)"),
    Setting("--fresh", "TPC_MOCK_FRESH", "off",
            "replace the data file with the seed before starting"),
    Setting("--seed", "TPC_MOCK_SEED", "bundled `seed/default.json`", "seed file", "seed"),
    Setting("--cors-origin", "TPC_MOCK_CORS_ORIGIN", "the four dev origins",
            "allowed browser origin, repeatable (env: space-separated)", "cors_origins"),
    Setting("--allowed-host", "TPC_MOCK_ALLOWED_HOSTS", "none",
            "another host name the server answers to, repeatable (env: space-separated); "
            "`.example.test` allows subdomains, `*` any name", "allowed_hosts"),
    Setting("--base-url", "TPC_MOCK_BASE_URL", "`http://HOST:PORT`",
            "public URL; `https` makes cookies `__Secure-` and `Secure`; its host is allowed",
            "base_url"),
    Setting("--secret", "TPC_MOCK_SECRET", "a fixed dev secret", "cookie signing secret",
            "secret"),
    Setting("--threads", "TPC_MOCK_THREADS", f"`{_D.threads}`", "waitress worker threads",
            "threads"),
    Setting("--connection-limit", "TPC_MOCK_CONNECTION_LIMIT", f"`{_D.connection_limit}`",
            "open connections (at least 10); near it the longest-idle ones are closed; "
            "over 1000, waitress watches them with `poll()` instead of `select()`",
            "connection_limit"),
    Setting("--idle-timeout", "TPC_MOCK_IDLE_TIMEOUT", f"`{_D.idle_timeout}`",
            "seconds before an idle connection is closed", "idle_timeout"),
    Setting("--rate-limit", "TPC_MOCK_RATE_LIMIT", "`300/60`",
            "per-key `N/SECONDS`, or `0` for none", "rate_limit"),
    Setting("--max-body", "TPC_MOCK_MAX_BODY", f"`{_D.max_body}`",
            "largest request body in bytes (413 beyond)", "max_body"),
    Setting("--no-control", "TPC_MOCK_NO_CONTROL", "off", "turn off `/__mock`"),
    Setting("--ready-file", "TPC_MOCK_READY_FILE", "none",
            "write `{url, pid}` as JSON to this file once the server answers"),
)
SETTING = {s.flag: s for s in SETTINGS}
ENV_NAMES = {s.field: s.env for s in SETTINGS if s.field}
TRUE_WORDS = ("1", "true", "t", "yes", "y", "on")  # what click reads as a set flag


def env_flag(env: Mapping[str, str], flag: str) -> bool:
    """True when the env var of a boolean flag (like `--no-control`) is set to a true word."""
    return env.get(SETTING[flag].env, "").strip().lower() in TRUE_WORDS


def load_config(
    overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Defaults -> TPC_MOCK_* env -> `overrides` (None values in overrides are ignored)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for name, var in ENV_NAMES.items():
        if env.get(var):
            values[name] = _convert(name, env[var])
    if env_flag(env, "--in-memory"):
        values["data"] = None
    if env_flag(env, "--no-control"):
        values["control"] = False
    known = {f.name for f in fields(Config)}
    for name, value in (overrides or {}).items():
        if name == "in_memory":
            if value:
                values["data"] = None
            continue
        if name not in known:
            raise ConfigError(f"unknown setting {name!r}")
        if value is not None:
            values[name] = _convert(name, value)
    config = replace(Config(), **values)
    if not 0 <= config.port <= 65535:
        raise ConfigError(f"port must be 0..65535, got {config.port}")
    if config.threads < 1:
        raise ConfigError("threads must be at least 1")
    if config.connection_limit < 10:
        raise ConfigError("connection limit must be at least 10")
    if config.idle_timeout < 1:
        raise ConfigError("idle timeout must be at least 1 second")
    return config
