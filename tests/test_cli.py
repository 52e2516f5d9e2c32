"""The `tpc-mock` CLI: serve, seed, fixtures; config precedence; SIGKILL durability."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from tests.helpers import stored_tables
from tpc_mock.cli import main
from tpc_mock.config import ConfigError, load_config, parse_rate_limit
from tpc_mock.seedfile import default_seed_path
from tpc_mock.seeding import generate_seed


def test_seed_is_deterministic_and_matches_committed(tmp_path: Path) -> None:
    out = tmp_path / "seed.json"
    result = CliRunner().invoke(main, ["seed", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == json.loads(default_seed_path().read_text())
    other = generate_seed(faker_seed=7, pages=10)
    assert other == generate_seed(faker_seed=7, pages=10)
    assert len(other["tables"]["pages"]) == 10


def test_seed_holds_the_documented_world() -> None:
    seed = json.loads(default_seed_path().read_text())
    tables = seed["tables"]
    assert tables["organizations"]["org_123"]["slug"] == "example-org"
    assert tables["products"]["product_123"]["slug"] == "example"
    assert tables["pages"]["page_123"]["title"] == "Pricing"
    roles = {(m["userId"], m["organizationId"]): m["role"] for m in tables["members"].values()}
    assert roles[("user_owner", "org_123")] == "owner"
    assert not any(org == "org_123" for user, org in roles if user == "user_outsider")
    assert {"owner", "admin", "member"} <= set(roles.values())
    for record in tables["apiKeys"].values():
        assert "key" not in record and len(record["hash"]) == 43
    blob = json.dumps(tables)
    for key in seed["credentials"]["apiKeys"]:
        assert key["key"] not in blob, "tables hold digests only"


def test_fixtures_command_prints_credentials() -> None:
    result = CliRunner().invoke(main, ["fixtures", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["apiKeys"][0]["key"].startswith("tpc_")
    assert data["sessions"][0]["cookie"].startswith("better-auth.session_token=")


def test_serve_refuses_corrupt_data_file(tmp_path: Path) -> None:
    data = tmp_path / "db.json"
    data.write_text("{oops")
    result = CliRunner().invoke(main, ["serve", "--data", str(data), "--port", "0"])
    assert result.exit_code == 2
    assert "is corrupt" in result.output and "left untouched" in result.output
    assert data.read_text() == "{oops"


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--rate-limit", "lots", "is not N/SECONDS"),
    ("--seed", "/nonexistent/seed.json", "does not exist"),
])
def test_serve_reports_bad_settings(flag: str, value: str, message: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--in-memory", flag, value])
    assert result.exit_code == 2 and message in result.output


def test_config_precedence_defaults_env_overrides() -> None:
    assert load_config(env={}).port == 8765 and load_config(env={}).host == "127.0.0.1"
    env = {"TPC_MOCK_PORT": "9000", "TPC_MOCK_RATE_LIMIT": "5/10",
           "TPC_MOCK_CORS_ORIGIN": "http://a.test http://b.test"}
    config = load_config(env=env)
    assert (config.port, config.rate_limit) == (9000, (5, 10))
    assert config.cors_origins == ("http://a.test", "http://b.test")
    assert load_config({"port": 9100}, env=env).port == 9100
    assert load_config({"in_memory": True}, env={}).data is None
    assert load_config({"base_url": "https://x.test/"}, env={}).secure_cookies


@pytest.mark.parametrize(("text", "parsed"), [("300/60", (300, 60)), ("0", None),
                                              ("off", None), ("10", (10, 60))])
def test_parse_rate_limit(text: str, parsed: Any) -> None:
    assert parse_rate_limit(text) == parsed


@pytest.mark.parametrize("bad", [{"port": "x"}, {"port": 70000}, {"threads": 0}, {"nope": 1}])
def test_bad_config_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        load_config(bad, env={})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(data: Path, port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tpc_mock.cli", "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "listening on" in line:
            return process
        if not line and process.poll() is not None:
            break
    _stop(process, signal.SIGKILL)
    raise AssertionError("tpc-mock serve did not start")


def _stop(process: subprocess.Popen[str], sig: int) -> None:
    process.send_signal(sig)
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


@contextmanager
def _served(data: Path, port: int, stop_with: int) -> Iterator[tuple[str, str]]:
    """`tpc-mock serve --data` in a subprocess: (base URL, full-access key), then a signal."""
    process = _start(data, port)
    try:
        base = f"http://127.0.0.1:{port}"
        key = requests.get(f"{base}/__mock/fixtures").json()["data"]["apiKeys"][0]["key"]
        yield base, key
    finally:
        _stop(process, stop_with)
    if stop_with == signal.SIGTERM:
        assert process.returncode == 0


def test_acknowledged_write_survives_sigkill(tmp_path: Path) -> None:
    data, port = tmp_path / "db.json", _free_port()
    with _served(data, port, signal.SIGKILL) as (base, key):
        response = requests.post(f"{base}/api/v1/site/pages", headers={"x-api-key": key}, json={
            "productId": "product_123", "pages": [{"slug": "durable", "title": "D", "content": "x"}]})
        assert response.status_code == 200
        page_id = response.json()["data"]["created"][0]["id"]
    assert page_id in stored_tables(data)["pages"]
    with _served(data, port, signal.SIGTERM) as (base, key):
        listed = requests.get(f"{base}/api/v1/site/pages",
                              params={"productId": "product_123", "q": "durable"},
                              headers={"x-api-key": key}).json()["data"]["items"]
        assert [i["id"] for i in listed] == [page_id]


def test_data_and_in_memory_exclude_each_other(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--in-memory", "--data", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "exclude each other" in result.output
    assert not (tmp_path / "x.json").exists()


def test_sigterm_flushes_last_request_of_keys(tmp_path: Path) -> None:
    data = tmp_path / "db.json"
    with _served(data, _free_port(), signal.SIGTERM) as (base, key):
        assert requests.get(f"{base}/api/v1/site/pages", params={"productId": "product_123"},
                            headers={"x-api-key": key}).status_code == 200
    stored = json.loads(data.read_text())["apiKeys"]
    assert any(record["lastRequest"] for record in stored.values())


def test_seed_summary_without_reading_every_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A data-file server reads only the seed's credentials and small tables, same result."""
    from tpc_mock import seedfile, seeding

    written = tmp_path / "seed.json"
    seeding.write_seed(generate_seed(pages=80), written)
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(seedfile.load_seed(written, cache=False)))  # another layout
    expected = seedfile.seed_summary(seedfile.load_seed(written, cache=False))
    assert expected["credentials"]["apiKeys"] and expected["tables"]["users"]
    assert seedfile.read_seed_summary(compact) == expected  # read whole, the same answer

    def whole_file_read(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the written layout is read without parsing every table")

    monkeypatch.setattr(seedfile, "load_seed", whole_file_read)
    assert seedfile.read_seed_summary(written) == expected
