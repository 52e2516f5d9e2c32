"""Reading the Dockerfile as docker does: instructions, COPY sources, the build context."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import sys
from pathlib import Path, PurePosixPath
from typing import Any

from docker.utils.build import exclude_paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # hatchling, in the test extra, brings tomli on 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PYPROJECT = ROOT / "pyproject.toml"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not pending and not stripped):
            continue  # docker drops comment lines inside a continued instruction too
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        keyword, _, args = whole.partition(" ")
        result.append((keyword.upper(), args.strip()))
    return result


def parsed_dockerfile() -> list[tuple[str, str]]:
    return instructions(DOCKERFILE.read_text(encoding="utf-8"))


def exec_form(args: str) -> list[str]:
    """The JSON array of an exec-form CMD/ENTRYPOINT/HEALTHCHECK CMD (shell form fails)."""
    words = json.loads(args)
    assert isinstance(words, list) and all(isinstance(w, str) for w in words), args
    return words


def copy_parts(args: str) -> tuple[dict[str, str], list[str], str]:
    """A COPY/ADD's (--flags, sources, destination), in shell or JSON form."""
    flags: dict[str, str] = {}
    while match := re.match(r"--([\w-]+)(?:=(\S*))?\s+", args):
        flags[match.group(1)] = match.group(2) or ""
        args = args[match.end():]
    words = json.loads(args) if args.startswith("[") else shlex.split(args)
    assert len(words) >= 2, f"COPY needs a source and a destination: {args!r}"
    return flags, words[:-1], words[-1]


def env_of(parsed: list[tuple[str, str]]) -> dict[str, str]:
    """Every ENV's `KEY=value` pairs, in order."""
    env: dict[str, str] = {}
    for keyword, args in parsed:
        if keyword == "ENV":
            for word in shlex.split(args):
                key, sep, value = word.partition("=")
                assert sep, f"ENV in the legacy `KEY value` form: {args!r}"
                env[key] = value
    return env


def dockerignore_patterns(path: Path = DOCKERIGNORE) -> list[str]:
    """The patterns as docker reads them: stripped lines, blanks and comments dropped."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def build_context(root: Path = ROOT) -> set[str]:
    """Every path (files and folders, POSIX, relative) docker sends as the build context.

    docker-py's `exclude_paths` is the client's own port of the daemon's .dockerignore
    matcher (`**`, `!` exceptions, last match wins, a matched folder takes its contents)."""
    return set(exclude_paths(str(root), dockerignore_patterns(root / ".dockerignore")))


def matches(source: str, context: set[str]) -> list[str]:
    """The context paths a COPY source names (Go's filepath.Match: `*` stops at `/`)."""
    pattern = PurePosixPath(source.rstrip("/") or ".").parts
    if pattern in ((".",), ()):
        return ["."]
    found = []
    for path in sorted(context):
        parts = PurePosixPath(path).parts
        if len(parts) == len(pattern) and all(
                fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pattern)):
            found.append(path)
    return found


def project_scripts() -> dict[str, Any]:
    """pyproject's `[project.scripts]`: console-script name -> entry point."""
    with PYPROJECT.open("rb") as handle:
        return dict(tomllib.load(handle)["project"]["scripts"])
