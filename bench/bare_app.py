"""The bare stack: Flask on waitress with one JSON endpoint, the ceiling for tpc-mock.

Run: `python bench/bare_app.py [--threads 8]`; prints `listening on http://...` like
`tpc-mock serve`, so bench_scale.py drives both the same way.
"""

from __future__ import annotations

import argparse
import logging
import sys

import waitress
from flask import Flask, jsonify


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/hello")
    def hello() -> object:
        return jsonify({"ok": True, "data": {"hello": "world"}})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as tpc-mock serve does
    server = waitress.create_server(create_app(), host="127.0.0.1", port=0, threads=args.threads)
    print(f"listening on http://127.0.0.1:{server.effective_port}", flush=True)  # type: ignore[union-attr]
    try:
        server.run()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
