"""The README's commands exist and print what the README says they print."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from engine.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command(words: list[str]) -> click.Command | None:
    command: click.Command = main
    for word in words:  # get_command, not .commands: main imports a command's module on first use
        found = command.get_command(click.Context(command), word) if isinstance(command, click.Group) else None
        if found is None:
            return command if command is not main else None
        command = found
    return command


def test_every_ipsdg_command_and_option_in_the_readme_exists() -> None:
    lines = [line for block in re.findall(r"```sh\n(.*?)```", README, re.S) for line in block.splitlines()]
    used = [f"ipsdg {part}".split() if i else part.split()
            for line in lines if line.startswith("ipsdg ")
            for i, part in enumerate(re.split(r" \| (?=rules )", line.split("#")[0]))]  # rules check | rules test
    assert len(used) > 10
    for words in used:
        command = _command([w for w in words[1:] if re.fullmatch(r"[a-z]+", w)][:2])
        assert command is not None, words
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        for option in (w.strip("[]|") for w in words if w.lstrip("[").startswith("--")):
            assert option.split("=")[0] in options | {"--help"}, (words, option)


def test_the_validate_example_prints_what_the_readme_shows() -> None:
    shown = re.search(r"^# (tests/fixtures/deals/several_problems\.yaml:14: .*)$", README, re.M).group(1)
    result = CliRunner().invoke(main, ["validate", "tests/fixtures/deals/several_problems.yaml"])
    assert result.exit_code == 2 and shown in result.stderr.splitlines()


def test_the_readme_links_point_at_files_that_exist() -> None:
    for target in re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", README):
        assert (ROOT / target).exists(), target
