"""What `tpc-mock serve` needs around the app: start errors in one line, the data-file
lock, the credentials that work on the data actually served, and the ready file."""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from .auth.secrets import digest
from .config import Config
from .runtime import Runtime
from .storage import atomic_write_json


class StartError(Exception):
    """`tpc-mock serve` cannot start; the message says why and what to do."""


def describe_os_error(exc: OSError, config: Config) -> str:
    """One line for an OSError met while opening the data file or the port."""
    if exc.errno == errno.EADDRINUSE:
        return (f"port {config.port} on {config.host} is in use; pass --port 0 for a free one, "
                "or stop the other server")
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return (f"cannot listen on --host {config.host}: it is not an address of this machine "
                "(use 127.0.0.1, or 0.0.0.0 for every interface)")
    if exc.errno == errno.EACCES and exc.filename is None:
        return (f"not allowed to listen on port {config.port}; pick one above 1023 "
                "(--port 8765, or --port 0 for a free one)")
    where = exc.filename or config.data
    if isinstance(exc, PermissionError):
        return (f"cannot write the data file: permission denied on {os.path.abspath(str(where))}; "
                "run from a folder "
                "you can write to, pass --data PATH, or --in-memory")
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return (f"cannot create the data file {config.data}: {where} is a file, not a folder; "
                "pass another --data path")
    return f"cannot start: {exc.strerror or exc} ({where}); pass another --data path or --in-memory"


def check_bindable(host: str, port: int) -> None:
    """Bind and close a socket as waitress would, so a bad host or a taken port raises
    OSError here (waitress leaks its half-made sockets when its own bind fails)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name == "posix":  # as waitress does; on Windows it would allow a double bind
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)


class DataLock:
    """An exclusive lock beside the data file, held while a server uses it.

    POSIX only (fcntl); where it is missing the lock is a no-op and `--fresh` trusts you.
    """

    def __init__(self, data: Path) -> None:
        self.path = data.with_name(data.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise StartError naming the server that holds it."""
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks here
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StartError(f"data file {self.path.with_suffix('')} is in use by "
                             f"{holder}; stop it first, or pass another --data path") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"tpc-mock serve (pid {os.getpid()})\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Let go of the lock (the lock file stays; an empty one means nobody holds it)."""
        if self._handle is not None:
            self._handle.truncate(0)
            self._handle.close()
            self._handle = None


def remove_data_file(data: Path) -> bool:
    """Delete the data file and its journals (the caller holds the lock); True if any was."""
    removed = False
    for path in (data, data.with_name(data.name + ".journal"),
                 data.with_name(data.name + ".journal.old")):
        if path.exists():
            path.unlink()
            removed = True
    return removed


def served_credentials(rt: Runtime, fixtures: dict[str, Any]) -> tuple[dict[str, Any], int, int]:
    """The seed's credentials that work on the data being served: (fixtures, kept, total).

    Keys and tokens are kept when their digest is stored, users when their password
    hash is the seed's; a revoked seed key is kept while no stored key has its digest and
    some seed key works.
    """
    store, seed_users = rt.store, rt.seed["tables"].get("users", {})

    def key_works(key: dict[str, Any]) -> bool:
        record = store.find_one("apiKeys", "hash", digest(key["key"]))
        return record is None if not key["enabled"] else bool(record and record.get("enabled"))

    def token_works(token: str) -> bool:
        return store.find_one("sessions", "tokenHash", digest(token)) is not None

    def user_works(user: dict[str, Any]) -> bool:
        stored, seeded = store.get("users", user["id"]), seed_users.get(user["id"])
        return bool(stored and seeded and stored.get("passwordHash") == seeded.get("passwordHash")
                    and stored.get("email") == user["email"])

    keys = [k for k in fixtures["apiKeys"] if key_works(k)]
    if not any(k["enabled"] for k in keys):  # a revoked key is only news next to working ones
        keys = []
    kept = {
        **fixtures,
        "apiKeys": keys,
        "bearerTokens": [t for t in fixtures["bearerTokens"] if token_works(t["token"])],
        "sessions": [s for s in fixtures["sessions"] if token_works(s["token"])],
        "users": [u for u in fixtures["users"] if u.get("password") and user_works(u)],
    }
    names = ("apiKeys", "bearerTokens", "sessions")
    total = sum(len(fixtures[n]) for n in names) + sum(1 for u in fixtures["users"]
                                                       if u.get("password"))
    return kept, sum(len(kept[n]) for n in (*names, "users")), total


class ReadyFile:
    """Writes `{url, pid}` to a file once the server answers HTTP; removed on stop."""

    def __init__(self, path: Path, url: str, probe_url: str) -> None:
        self.path, self.url, self.probe_url = path, url, probe_url
        self._stop = threading.Event()
        path.unlink(missing_ok=True)  # a stale file from an earlier run must not mislead

    def start(self) -> None:
        threading.Thread(target=self._wait_then_write, name="tpc-mock:ready", daemon=True).start()

    def _wait_then_write(self) -> None:
        while not self._stop.is_set():
            try:
                with urllib.request.urlopen(self.probe_url, timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # any HTTP answer means the server is up
            except OSError:
                time.sleep(0.05)
        if not self._stop.is_set():
            atomic_write_json(self.path, {"url": self.url, "pid": os.getpid()})

    def remove(self) -> None:
        self._stop.set()
        self.path.unlink(missing_ok=True)

