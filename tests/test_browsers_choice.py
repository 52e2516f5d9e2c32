"""The browser tests find Chromium through TPC_MOCK_CHROMIUM before anything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browsers import find_chromium


def test_the_env_var_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    chrome = tmp_path / "chrome"
    chrome.write_text("")
    monkeypatch.setenv("TPC_MOCK_CHROMIUM", str(chrome))
    assert find_chromium()[:2] == (True, str(chrome))


def test_a_missing_env_var_target_skips_with_its_name(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("TPC_MOCK_CHROMIUM", str(tmp_path / "nope"))
    found, _, reason = find_chromium()
    assert not found and "TPC_MOCK_CHROMIUM" in reason


def test_playwright_own_browsers_come_next(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TPC_MOCK_CHROMIUM", raising=False)
    (tmp_path / "chromium-1140").mkdir()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert find_chromium()[:2] == (True, None)
