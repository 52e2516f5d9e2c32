"""LiveServer: the emulator on waitress in a background thread (tests, the pytest plugin)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask

from .app import create_app
from .config import Config
from .connections import create_server


class LiveServer:
    """Serve an app on 127.0.0.1 and a free port until `stop()`."""

    def __init__(self, app: Flask | None = None, config: Config | Mapping[str, Any] | None = None,
                 *, host: str = "127.0.0.1", port: int = 0, threads: int = 4) -> None:
        self.app = app or create_app({"in_memory": True, **dict(config or {})}
                                     if not isinstance(config, Config) else config)
        # "Task queue depth is N" is waitress thinking aloud under test load, not an error.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        self._server: Any = create_server(self.app, self.app.extensions["tpc_mock"].config,
                                          host=host, port=port, threads=threads,
                                          asyncore_loop_timeout=0.1)
        self.host = host
        self.port: int = self._server.effective_port
        self.app.extensions["tpc_mock"].bound_to(self.port)
        self.url = f"http://{host}:{self.port}"
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"tpc-mock:{self.port}", daemon=True)

    @property
    def runtime(self) -> Any:
        return self.app.extensions["tpc_mock"]

    def _run(self) -> None:
        try:
            self._server.run()
        except BaseException as exc:  # noqa: BLE001 - kept for the plugin to report
            self.error = exc

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def is_alive(self) -> bool:
        """True while the serving thread runs (or before it was started)."""
        return not self._thread.ident or self._thread.is_alive()

    def stop(self) -> None:
        """Close every socket, stop the worker threads and wait for the loop to end."""
        logging.getLogger("waitress").setLevel(logging.CRITICAL)
        server = self._server
        while server._map:
            for channel in list(server._map.values()):
                channel.handle_close()
        server.task_dispatcher.shutdown()
        self._thread.join(timeout=5)

    def __enter__(self) -> LiveServer:  # noqa: PYI034 - Self needs Python 3.11
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
