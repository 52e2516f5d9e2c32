"""The README's pytest example is itself a test: extracted and run with pytester."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[1] / "README.md"
HEADING = "## Using it from pytest"


def readme_example() -> str:
    """The one ```python block of the README's pytest section."""
    text = README.read_text(encoding="utf-8")
    assert HEADING in text, f"README.md has no {HEADING!r} section"
    section = text.split(HEADING, 1)[1]
    section = re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"expected one python block in {HEADING!r}, found {len(blocks)}"
    return str(blocks[0])


def test_readme_pytest_example_passes(pytester: pytest.Pytester) -> None:
    example = readme_example()
    tests = re.findall(r"^def (test_\w+)\(tpc_mock\)", example, flags=re.MULTILINE)
    assert len(tests) >= 2, "the example shows several tests using the tpc_mock fixture"
    pytester.makeini("[pytest]\nfilterwarnings = error\naddopts = -p no:cacheprovider\n")
    pytester.makepyfile(test_readme_example=example)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=len(tests))
    result.stdout.fnmatch_lines([f"*::{name} PASSED*" for name in tests], consecutive=False)


def test_readme_quickstart_curl_returns_the_documented_envelope() -> None:
    """The Run section's curl, run as written against a live server with the seed's key."""
    import json
    import shutil
    import subprocess

    from tpc_mock.server import LiveServer

    text = README.read_text(encoding="utf-8")
    run = text.split("## Run", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```$", run, flags=re.MULTILINE | re.DOTALL)
    command = next(b for b in blocks if b.startswith("curl"))
    if shutil.which("curl") is None:
        pytest.skip("no curl on this machine")
    with LiveServer() as server:
        key = server.runtime.credentials["apiKeys"][0]["key"]
        command = command.replace("http://127.0.0.1:8765", server.url)
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "TPC_API_KEY": key}, timeout=30,
                              check=False)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["ok"] is True
    assert body["data"]["scope"]["product"]["id"] == "product_123"
    assert (body["data"]["page"], body["data"]["pageSize"]) == (1, 10)
