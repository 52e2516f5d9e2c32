"""Runtime: the per-app state every layer shares (store, clock, limits, journal)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from .clock import Clock
from .config import Config
from .idempotency import IdempotencyCache
from .ratelimit import RateLimiter
from .readcache import ReadCache
from .seedfile import load_seed, read_seed_summary, seed_summary
from .store import Store
from .sweeper import Sweeper


@dataclass
class Fault:
    """A scripted failure or stall for matching requests."""

    path: str
    status: int
    method: str | None = None
    code: str | None = None
    message: str | None = None
    times: int | None = None
    delay_ms: int = 0
    id: str = ""

    def matches(self, method: str, path: str) -> bool:
        """True when the request's method and path fall under this fault."""
        if self.method and self.method.upper() != method.upper():
            return False
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path

    def to_dict(self) -> dict[str, Any]:
        """The control API's JSON shape (`times` is what is left; None: until cleared)."""
        return {"id": self.id, "method": self.method, "path": self.path, "status": self.status,
                "code": self.code, "message": self.message, "times": self.times,
                "delayMs": self.delay_ms}


@dataclass
class Runtime:
    """Everything that lives as long as the app: reset puts it all back to the seed."""

    config: Config
    store: Store
    seed: dict[str, Any]
    clock: Clock = field(default_factory=Clock)
    journal: deque[dict[str, Any]] = field(default_factory=deque)
    faults: list[Fault] = field(default_factory=list)
    fault_lock: Lock = field(default_factory=Lock)
    # In-memory state of individual features (keyed by feature), cleared by reset.
    memory: dict[str, Any] = field(default_factory=dict)
    # time.monotonic() until which an open console keeps successful answers in the journal.
    console_until: float = 0.0

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.clock)
        self.idempotency = IdempotencyCache(self.clock)
        self.reads = ReadCache()
        self.journal = deque(maxlen=self.config.journal_size)
        self.sweeper = Sweeper(self.store, self.clock)

    @classmethod
    def from_config(cls, config: Config) -> Runtime:
        """Build the store from the seed, or from the data file when there is one.

        On an existing data file only the seed's credentials and small tables are read,
        so its records are not kept twice; a reset reads it whole.
        """
        if config.data is None or not config.data.exists():
            seed = load_seed(config.seed, cache=config.data is None)
            store = Store(seed["tables"], path=config.data)
            rt = cls(config=config, store=store, seed=seed_summary(seed))
        else:
            summary = read_seed_summary(config.seed)
            store = Store(lambda: load_seed(config.seed, cache=False)["tables"],
                          path=config.data)
            rt = cls(config=config, store=store, seed=summary)
        rt.sweeper.sweep()  # a data file may hold what expired while the server was down
        return rt

    @property
    def credentials(self) -> dict[str, Any]:
        """The seed's plaintext dev credentials."""
        creds: dict[str, Any] = self.seed.get("credentials", {})
        return creds

    def bound_to(self, port: int) -> None:
        """Record the port actually listened on (port 0 picks a free one)."""
        from dataclasses import replace

        if self.config.port != port:
            self.config = replace(self.config, port=port)

    def reset(self) -> None:
        """Back to the seed: data, clock, journal, faults, rate-limit and idempotency state."""
        self.store.reset()
        self.clock.reset()
        self.journal.clear()
        with self.fault_lock:
            self.faults.clear()
        self.limiter.reset()
        self.idempotency.reset()
        self.reads.clear()
        self.memory.clear()
        self.sweeper.restart()
