"""One source of truth for settings: config.SETTINGS, the CLI's options, the README table."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tpc_mock.cli import main
from tpc_mock.config import ENV_NAMES, SETTINGS, Config, load_config

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_rows() -> list[tuple[str, str, str, str]]:
    """Every `| flag | env | default | meaning |` row of the README's Configuration section."""
    section = README.read_text(encoding="utf-8").split("## Configuration\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 4 and cells[0].startswith("`--"):
            rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


def command_options() -> list[tuple[str, click.Option]]:
    """(command name, option) for every option of every command."""
    found = []
    for name, command in main.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                found.append((name, param))
    return found


def test_the_readme_table_is_config_settings() -> None:
    rows = readme_rows()
    expected = [(f"`{s.flag}`", f"`{s.env}`", s.default, s.help) for s in SETTINGS]
    assert rows[:len(expected)] == expected


def test_serve_options_are_the_settings_with_their_env_vars() -> None:
    options = {p.opts[0]: p for name, p in command_options() if name == "serve"}
    assert list(options) == [s.flag for s in SETTINGS]
    for spec in SETTINGS:
        option = options[spec.flag]
        assert (option.envvar, option.show_envvar) == (spec.env, True), spec.flag
        if spec.field and isinstance(option.default, (int, Path)) and not option.is_flag:
            assert option.default == getattr(Config(), spec.field), spec.flag


def test_every_env_var_of_the_cli_is_in_the_readme_once() -> None:
    text = README.read_text(encoding="utf-8")
    envs = {p.envvar for _, p in command_options() if p.envvar}
    assert envs and all(isinstance(e, str) for e in envs)
    table_envs = [row[1] for row in readme_rows()]
    for env in envs:
        assert table_envs.count(f"`{env}`") == 1 or f"read `{env}` too" in text, env
    for _, option in command_options():
        if option.envvar:
            assert option.show_envvar, option.opts


def test_load_config_reads_the_env_names_the_cli_documents() -> None:
    env = {spec.env: "" for spec in SETTINGS}
    assert load_config(env=env) == Config()
    assert set(ENV_NAMES.values()) <= {spec.env for spec in SETTINGS}
    assert load_config(env={"TPC_MOCK_MAX_BODY": "100"}).max_body == 100
    assert load_config(env={"TPC_MOCK_NO_CONTROL": "1"}).control is False
    assert load_config(env={"TPC_MOCK_NO_CONTROL": "0"}).control is True
    assert load_config(env={"TPC_MOCK_CONTROL": "0"}).control is True, "not a setting"
    assert load_config(env={"TPC_MOCK_IN_MEMORY": "yes"}).in_memory


@pytest.mark.parametrize("command", ["serve", "fixtures", "login", "whoami"])
def test_help_shows_each_env_var(command: str) -> None:
    text = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
    for name, option in command_options():
        if name == command and option.envvar:
            assert re.search(rf"env var:\s+{option.envvar}", text), (command, option.envvar)


def test_a_rate_limit_override_may_be_text_a_number_or_a_pair() -> None:
    from tpc_mock.app import create_app
    from tpc_mock.config import ConfigError, load_config

    given = {0: None, "0": None, "off": None, 5: (5, 60), (3, 10): (3, 10), "10/5": (10, 5)}
    for value, expected in given.items():
        assert load_config({"rate_limit": value}, env={}).rate_limit == expected
    for bad in (True, 1.5, (1, 2, 3), "ten"):
        with pytest.raises(ConfigError, match="is not N/SECONDS"):
            load_config({"rate_limit": bad}, env={})
    client = create_app({"in_memory": True, "rate_limit": 0}).test_client()
    key = client.get("/__mock/fixtures").get_json()["data"]["apiKeys"][0]["key"]
    answer = client.get("/api/v1/site/pages?productId=product_123", headers={"x-api-key": key})
    assert answer.status_code == 200  # was a 500: the int reached the limiter as is
