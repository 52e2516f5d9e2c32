"""`tpc-mock serve` for a newcomer: start errors in one line (exit 2), the banner, the
credentials of the data actually served, --fresh, marked data files, --ready-file."""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result

import tpc_mock.connections
from tpc_mock.cli import main
from tpc_mock.seeding import generate_seed, write_seed
from tpc_mock.startup import DataLock
from tpc_mock.storage import read_data

Served = dict[str, Any]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """`serve` runs in-process up to the loop, which stops at once (as after Ctrl+C)."""
    seen: Served = {}
    real = tpc_mock.connections.create_server

    def create_server(app: Any, config: Any, **kwargs: Any) -> Any:
        server = real(app, config, **kwargs)
        seen["app"] = app
        seen.setdefault("servers", []).append(server)

        def run() -> None:
            raise KeyboardInterrupt

        server.run = run
        return server

    monkeypatch.setattr(tpc_mock.connections, "create_server", create_server)
    yield seen
    logging.getLogger("waitress").setLevel(logging.CRITICAL)
    for server in seen.get("servers", []):  # the listener and waitress's trigger, as
        while server._map:                   # LiveServer.stop closes them
            for channel in list(server._map.values()):
                channel.handle_close()
        server.task_dispatcher.shutdown()


def serve(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["serve", "--port", "0", *args], env=env)


def one_error_line(result: Result) -> str:
    """The single `Error: ...` line a failed start prints, after checking exit status 2."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def test_a_port_in_use_is_one_line_naming_the_fix() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_error_line(CliRunner().invoke(main, ["serve", "--in-memory", "--port",
                                                        str(port)]))
    assert line == (f"Error: port {port} on 127.0.0.1 is in use; pass --port 0 for a free one, "
                    "or stop the other server")


@pytest.mark.parametrize("host", ["192.0.2.1", "no-such-host.invalid"])
def test_an_unusable_host_is_one_line(host: str) -> None:
    line = one_error_line(serve("--in-memory", "--host", host))
    assert f"cannot listen on --host {host}" in line and "127.0.0.1" in line


def test_data_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    line = one_error_line(serve("--data", str(tmp_path / "file" / "db.json")))
    assert "is a file, not a folder; pass another --data path" in line


def test_an_unwritable_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        if self.name == ".tpc-mock":  # as for uid 10001 on a root-owned bind mount
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    line = one_error_line(serve())
    assert line == (f"Error: cannot write the data file: permission denied on {tmp_path}/.tpc-mock;"
                    " run from a folder you can write to, pass --data PATH, or --in-memory")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write anywhere")
def test_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    line = one_error_line(serve("--data", str(folder / "db.json")))
    assert "permission denied" in line


def test_banner_shows_dashboard_export_line_and_stop_line(served: Served, tmp_path: Path) -> None:
    result = serve("--data", str(tmp_path / "db.json"))
    assert result.exit_code == 0, result.output
    port = served["app"].extensions["tpc_mock"].config.port
    base = f"http://127.0.0.1:{port}"
    lines = result.output.splitlines()
    assert f"Dashboard: {base}/sign-in   (start page: {base}/)" in lines
    assert f"  export THE_PROMPTING_COMPANY_BASE_URL={base}" not in lines
    assert f"export THE_PROMPTING_COMPANY_BASE_URL={base}" in lines
    key = next(line for line in lines if line.startswith("export TPC_API_KEY="))
    assert key.split("=", 1)[1].startswith("tpc_")
    assert not any("Reused" in line for line in lines)
    assert lines[-1] == f"tpc-mock stopped; data kept in {tmp_path / 'db.json'}."


def test_banner_prints_the_console_url_unless_control_is_off(served: Served) -> None:
    shown = serve("--in-memory")
    assert shown.exit_code == 0, shown.output
    base = f"http://127.0.0.1:{served['app'].extensions['tpc_mock'].config.port}"
    assert f"Console:   {base}/__mock/console" in shown.output.splitlines()
    hidden = serve("--in-memory", "--no-control")
    assert hidden.exit_code == 0, hidden.output
    assert "Console:" not in hidden.output and "/__mock/console" not in hidden.output


def _other_seed(tmp_path: Path) -> Path:
    path = tmp_path / "other.json"
    write_seed(generate_seed(faker_seed=7, pages=5), path)
    return path


def test_a_reused_data_file_prints_only_credentials_that_work_on_it(
        served: Served, tmp_path: Path) -> None:
    data = tmp_path / "db.json"
    assert serve("--data", str(data)).exit_code == 0
    first = read_data(data)
    other = _other_seed(tmp_path)
    other_keys = [k["key"] for k in json.loads(other.read_text())["credentials"]["apiKeys"]]
    result = serve("--data", str(data), "--seed", str(other))
    assert result.exit_code == 0, result.output
    assert not any(key in result.output for key in other_keys), "keys the data does not know"
    assert (f"Reused the data file {data}: 0 of the seed's 12 dev credentials work on it. "
            f"Start fresh with --fresh (or delete {data} and {data}.journal).") in result.output
    assert read_data(data)["apiKeys"].keys() == first["apiKeys"].keys()


def test_a_reused_data_file_of_the_same_seed_prints_every_credential(
        served: Served, tmp_path: Path) -> None:
    data = tmp_path / "db.json"
    first = serve("--data", str(data))
    again = serve("--data", str(data))
    assert "of the seed's 12 dev credentials work on it" not in first.output
    assert "12 of the seed's 12 dev credentials work on it" in again.output
    keys = [line for line in first.output.splitlines() if line.startswith("  API key")]
    assert keys and all(line in again.output.splitlines() for line in keys)


def test_fresh_replaces_the_data_file_with_the_seed(served: Served, tmp_path: Path) -> None:
    data = tmp_path / "db.json"
    other = _other_seed(tmp_path)
    assert serve("--data", str(data), "--seed", str(other)).exit_code == 0
    result = serve("--data", str(data), "--fresh")
    assert result.exit_code == 0, result.output
    assert "Reused" not in result.output
    fixtures = served["app"].test_client().get("/__mock/fixtures").get_json()["data"]
    assert fixtures["apiKeys"]
    assert all(key["key"] in result.output for key in fixtures["apiKeys"])
    assert "org_123" in read_data(data)["organizations"]


def test_fresh_refuses_while_another_server_holds_the_data(served: Served, tmp_path: Path) -> None:
    data = tmp_path / "db.json"
    assert serve("--data", str(data)).exit_code == 0
    lock = DataLock(data)
    lock.acquire()
    try:
        line = one_error_line(serve("--data", str(data), "--fresh"))
    finally:
        lock.release()
    assert line == (f"Error: data file {data} is in use by tpc-mock serve (pid {os.getpid()}); "
                    "stop it first, or pass another --data path")
    assert data.exists()


@pytest.mark.parametrize(("content", "why"), [
    ("{}", "is not a tpc-mock database (no `_meta` marker"),
    ('{"_default": {"1": {"name": "x"}}}', "is not a tpc-mock database (no `_meta` marker"),
    ('{"_meta": {"other": {}}, "t": {}}', "its `_meta` table has no `tpc-mock` record"),
    ('{"_meta": {"tpc-mock": {"format": 9, "generation": 1}}}',
     "was written by a newer tpc-mock (data format 9; this one reads 1); upgrade tpc-mock"),
])
def test_a_file_that_is_not_a_tpc_mock_database_is_refused(
        tmp_path: Path, content: str, why: str) -> None:
    data = tmp_path / "db.json"
    data.write_text(content)
    line = one_error_line(serve("--data", str(data)))
    assert why in line and "left untouched" in line
    assert data.read_text() == content


def test_an_older_tpc_mock_file_is_migrated(served: Served, tmp_path: Path) -> None:
    data = tmp_path / "db.json"
    assert serve("--data", str(data)).exit_code == 0
    document = json.loads(data.read_text())
    del document["_meta"]  # as tpc-mock wrote it before the marker
    data.write_text(json.dumps(document))
    result = serve("--data", str(data))
    assert result.exit_code == 0, result.output
    assert json.loads(data.read_text())["_meta"]["tpc-mock"]["format"] == 1
    assert "12 of the seed's 12" in result.output


def test_max_body_and_no_control_come_from_the_environment(served: Served) -> None:
    result = serve("--in-memory", env={"TPC_MOCK_MAX_BODY": "100", "TPC_MOCK_NO_CONTROL": "1"})
    assert result.exit_code == 0, result.output
    config = served["app"].extensions["tpc_mock"].config
    assert (config.max_body, config.control) == (100, False)
    assert served["app"].config["MAX_CONTENT_LENGTH"] == 100


def test_seed_requires_out_and_never_writes_into_the_package(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["seed", "--pages", "2"])
    assert result.exit_code == 2 and "Missing option '--out'" in result.output


def test_seed_shows_a_progress_bar_on_a_terminal_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "seed.json"
    piped = CliRunner().invoke(main, ["seed", "--out", str(out), "--pages", "250"])
    assert piped.output == f"wrote {out}\n"
    monkeypatch.setattr("tpc_mock.cli._is_terminal", lambda: True)
    shown = CliRunner().invoke(main, ["seed", "--out", str(out), "--pages", "250"])
    assert shown.exit_code == 0 and "Generating pages" in shown.output


def test_fixtures_export_prints_lines_for_the_sdk() -> None:
    result = CliRunner().invoke(main, ["fixtures", "--export"])
    lines = result.output.splitlines()
    assert [line.split("=")[0] for line in lines] == [
        "export THE_PROMPTING_COMPANY_BASE_URL", "export TPC_API_KEY",
        "export TPC_ORGANIZATION_ID", "export TPC_PRODUCT_ID"]
    assert lines[0] == "export THE_PROMPTING_COMPANY_BASE_URL=http://127.0.0.1:8765"
    assert lines[2:] == ["export TPC_ORGANIZATION_ID=org_123", "export TPC_PRODUCT_ID=product_123"]


def test_ready_file_holds_url_and_pid_once_the_server_answers(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "tpc_mock.cli", "serve", "--in-memory", "--port", "0",
         "--ready-file", str(ready)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        deadline = time.monotonic() + 20
        while not ready.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        info = json.loads(ready.read_text())
        assert info["pid"] == process.pid
        assert requests.get(f"{info['url']}/__mock/fixtures", timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert output.splitlines()[-1] == "tpc-mock stopped; data discarded (in memory)."
    assert not ready.exists()
