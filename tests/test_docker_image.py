"""The image at work: its steps replayed here, and a real `docker build` where one runs.

No Docker engine runs on this project's machines or in CI (`docker` there is the client
alone), so the replay is what always runs: the COPY steps copy exactly the build context
docker would send into a scratch root, the project is installed from it as the RUN step
installs it (`--no-deps`: the dependencies are this environment's), the source folder is
removed as the RUN step removes it, and the CMD runs with the image's ENV. The server must
answer, serve the seed from the installed package, listen on every interface, and the
HEALTHCHECK's own command must pass while it runs and fail once it stops.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from .dockerfile_helpers import (
    ROOT,
    build_context,
    copy_parts,
    env_of,
    exec_form,
    matches,
    parsed_dockerfile,
)

HEALTH = "/api/v1/openapi.json"  # what the HEALTHCHECK asks for; the API has no /health


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail(f"no answer from {url} in 30 s: " + log.read_text(encoding="utf-8"))


@dataclass
class Image:
    """The replayed image: its root folder, installed site and the parsed Dockerfile."""

    rootfs: Path
    site: Path
    parsed: list[tuple[str, str]]

    def path(self, container_path: str) -> Path:
        return self.rootfs / container_path.lstrip("/")

    def workdir(self) -> Path:
        """Where the CMD starts: the last WORKDIR."""
        return self.path([a for kw, a in self.parsed if kw == "WORKDIR"][-1])


def _copy(context: set[str], sources: list[str], dest: Path, many: bool) -> None:
    """Docker's COPY: a folder's contents go into dest, a file into or onto dest."""
    for source in sources:
        for match in matches(source, context):
            if (ROOT / match).is_dir():
                for path in sorted(p for p in context if p.startswith(match + "/")):
                    if (ROOT / path).is_file():
                        target = dest / path[len(match) + 1:]
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(ROOT / path, target)
            else:
                target = dest / Path(match).name if many else dest
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / match, target)


def _run_install(image: Image, args: str, workdir: str) -> None:
    """The RUN that installs: `pip install ... PATH` then `rm -rf` of the source."""
    for step in args.split("&&"):
        words = shlex.split(step)
        if words[:2] == ["pip", "install"]:
            source = image.path(os.path.join(workdir, words[-1]))
            result = subprocess.run(
                [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                 "--no-index", "--target", str(image.site), str(source)],
                check=False, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stderr
        elif words[:2] == ["rm", "-rf"]:
            for target in words[2:]:
                shutil.rmtree(image.path(os.path.join(workdir, target)))


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    """Replay WORKDIR, COPY/ADD and the installing RUN; other RUNs only make /data."""
    scratch = tmp_path_factory.mktemp("image")
    image = Image(scratch / "rootfs", scratch / "site", parsed_dockerfile())
    context, workdir = build_context(), "/"
    for keyword, args in image.parsed:
        if keyword == "WORKDIR":
            workdir = os.path.join(workdir, args)
            image.path(workdir).mkdir(parents=True, exist_ok=True)
        elif keyword in ("COPY", "ADD"):
            _, sources, dest = copy_parts(args)
            many = dest.endswith("/") or len(sources) > 1
            _copy(context, sources, image.path(os.path.join(workdir, dest)), many)
        elif keyword == "RUN" and "pip install" in args:
            _run_install(image, args, workdir)
    image.path("/data").mkdir(parents=True, exist_ok=True)
    return image


@pytest.fixture(scope="module")
def running(image: Image) -> Iterator[tuple[Image, int, dict[str, str]]]:
    """The CMD, with the image's ENV, from its last WORKDIR, on a free port."""
    env = {key: str(image.path(value)) if value.startswith("/") else value
           for key, value in env_of(image.parsed).items()}
    port = _free_port()
    env.update(TPC_MOCK_PORT=str(port), PATH=f"{image.site / 'bin'}{os.pathsep}"
               f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=str(image.site))  # the installed copy, never the checkout
    cmd = exec_form([a for kw, a in image.parsed if kw == "CMD"][-1])
    log = image.rootfs.parent / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([shutil.which(cmd[0], path=env["PATH"]) or cmd[0], *cmd[1:]],
                                env=env, cwd=image.workdir(), stdout=out, stderr=out)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}{HEALTH}", proc, log)
        yield image, port, env
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _healthcheck(image: Image, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    check = next(a for kw, a in image.parsed if kw == "HEALTHCHECK")
    command = exec_form(check.partition(" CMD ")[2] or check.removeprefix("CMD "))
    assert command[0] == "python", command
    return subprocess.run([sys.executable, *command[1:]], env=env, capture_output=True,
                          text=True, timeout=30, check=False)


def test_the_install_keeps_nothing_of_the_source(image: Image) -> None:
    assert not image.path("/src").exists(), "the RUN step removes /src"
    installed = image.site / "tpc_mock"
    assert (installed / "cli.py").is_file() and (installed / "_seed" / "default.json").is_file()
    assert (image.site / "bin" / "tpc-mock").is_file(), "pip made the console script"


def test_the_cmd_serves_the_installed_package(running: tuple[Image, int, dict[str, str]]
                                              ) -> None:
    image, port, env = running
    where = subprocess.run([sys.executable, "-c", "import tpc_mock; print(tpc_mock.__file__)"],
                           env=env, cwd=image.workdir(), capture_output=True, text=True,
                           check=True).stdout
    assert Path(where.strip()).is_relative_to(image.site), where
    base = f"http://127.0.0.1:{port}"
    doc = requests.get(base + HEALTH, timeout=5).json()
    assert doc["openapi"].startswith("3.1")
    keys = requests.get(base + "/__mock/fixtures", timeout=5).json()["data"]["apiKeys"]
    key = next(k["key"] for k in keys if k["enabled"] and k["organizationId"] == "org_123")
    pages = requests.get(base + "/api/v1/site/pages", params={"productId": "product_123"},
                         headers={"x-api-key": key}, timeout=5)
    assert pages.status_code == 200 and pages.json()["data"]["total"] > 0
    assert image.path(env_of(image.parsed)["TPC_MOCK_DATA"]).is_file(), "the volume's file"


def _listening_addresses(port: int) -> set[str]:
    """The local IPv4 addresses listening on this port, from /proc/net/tcp."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hex_port = local.partition(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc/net/tcp")
def test_the_cmd_listens_on_every_interface(running: tuple[Image, int, dict[str, str]]) -> None:
    _, port, _ = running
    assert _listening_addresses(port) == {"0.0.0.0"}


def test_the_healthcheck_passes_while_serving_and_fails_after(
        running: tuple[Image, int, dict[str, str]]) -> None:
    image, _, env = running
    result = _healthcheck(image, env)
    assert result.returncode == 0, result.stderr
    stopped = {**env, "TPC_MOCK_PORT": str(_free_port())}  # nothing listens there
    assert _healthcheck(image, stopped).returncode != 0


# -- a real build, where a Docker engine answers --------------------------------------
def _docker_works() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20,
                              check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


@pytest.mark.docker
@pytest.mark.skipif(not _docker_works(), reason="no Docker engine answers `docker info` here")
def test_docker_build_and_run_answers_and_turns_healthy() -> None:
    tag = f"tpc-mock-test:{uuid.uuid4().hex[:12]}"
    name = tag.replace(":", "-")
    subprocess.run(["docker", "build", "-q", "-t", tag, str(ROOT)], check=True, timeout=900)
    try:
        subprocess.run(["docker", "run", "-d", "--rm", "--name", name,
                        "-p", "127.0.0.1::8765", tag], check=True, timeout=60)
        published = subprocess.run(["docker", "port", name, "8765/tcp"], check=True,
                                   capture_output=True, text=True, timeout=30).stdout
        port = int(published.split()[0].rpartition(":")[2])
        deadline, health = time.monotonic() + 90, ""
        while time.monotonic() < deadline and health != "healthy":
            time.sleep(1)
            health = subprocess.run(
                ["docker", "inspect", "-f", "{{.State.Health.Status}}", name],
                capture_output=True, text=True, timeout=30, check=False).stdout.strip()
        assert health == "healthy"
        assert requests.get(f"http://127.0.0.1:{port}{HEALTH}", timeout=5).status_code == 200
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, check=False)
