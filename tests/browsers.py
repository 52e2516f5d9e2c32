"""Which Chromium the browser tests drive: TPC_MOCK_CHROMIUM, Playwright's own, or Debian's."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ENV = "TPC_MOCK_CHROMIUM"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
DEBIAN = Path("/usr/bin/chromium")


def _playwright_cache() -> Path:
    if os.environ.get("PLAYWRIGHT_BROWSERS_PATH"):
        return Path(os.environ["PLAYWRIGHT_BROWSERS_PATH"])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ms-playwright"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "ms-playwright"
    return Path.home() / ".cache" / "ms-playwright"


def find_chromium() -> tuple[bool, str | None, str]:
    """(found, executable_path for launch or None for Playwright's own, skip reason)."""
    chosen = os.environ.get(ENV)
    if chosen:
        return Path(chosen).exists(), chosen, f"{ENV}={chosen} does not exist"
    cache = _playwright_cache()
    if cache.is_dir() and any(cache.glob("chromium*")):
        return True, None, ""
    return DEBIAN.exists(), str(DEBIAN), (
        f"no Chromium: set {ENV}, run `playwright install chromium`, or install {DEBIAN}")


FOUND, EXECUTABLE, REASON = find_chromium()
needs_chromium = pytest.mark.skipif(not FOUND, reason=REASON)


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """A headless Chromium (the one find_chromium chose) for a module's browser fixture."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=EXECUTABLE, args=ARGS)
        yield chromium
        chromium.close()
