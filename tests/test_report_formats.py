"""The output-format registry (report/formats.py) is what ``--format`` offers, and every
command's verb is in ``bomtrace.api``."""

from __future__ import annotations

import json
from datetime import date

import click
import pytest
from click.testing import CliRunner

from bomtrace import api
from bomtrace.cli import cli
from bomtrace.cli.outputs import SUFFIXES
from bomtrace.report.formats import FORMATS, SUB_OUTPUTS, choices

COMMANDS = (
    "analyze", "inspect", "explode", "explain", "suppliers", "rules", "where-used", "diff",
    "history", "show", "portfolio",
)  # fmt: skip
#: the subcommands of ``bomtrace library``, as the registry names them
LIBRARY = ("library-import", "library-show", "library-export", "library-impact")


@pytest.mark.parametrize("command", COMMANDS)
def test_format_choices_come_from_the_registry(command: str) -> None:
    ctx = click.Context(cli)
    cmd = cli.get_command(ctx, command)
    assert cmd is not None
    fmt = next(p for p in cmd.params if p.name == "fmt")
    assert isinstance(fmt.type, click.Choice)
    assert list(fmt.type.choices) == choices(command)
    assert choices(command)[:2] == ["table", "json"]
    assert callable(getattr(api, command.replace("-", "_")))  # one library verb per command


@pytest.mark.parametrize("command", LIBRARY)
def test_library_format_choices_come_from_the_registry(command: str) -> None:
    group = cli.get_command(click.Context(cli), "library")
    assert isinstance(group, click.Group)
    cmd = group.get_command(click.Context(group), command.removeprefix("library-"))
    assert cmd is not None
    fmt = next(p for p in cmd.params if p.name == "fmt")
    assert isinstance(fmt.type, click.Choice)
    assert list(fmt.type.choices) == choices(command)
    assert callable(getattr(api, command.replace("-", "_")))


def test_every_format_has_suffixes_and_a_file_example_when_it_needs_a_file() -> None:
    for f in FORMATS.values():
        assert f.suffixes and all(s.startswith(".") for s in f.suffixes)
        assert SUFFIXES[f.name] == f.suffixes
        assert f.stdout or f.example.endswith(f.suffixes[0])
        assert set(f.writers) <= set(COMMANDS) | set(SUB_OUTPUTS) | set(LIBRARY)
    assert set(SUB_OUTPUTS.values()) <= set(COMMANDS)


def test_rules_verb_is_the_rules_command() -> None:
    r = api.rules(as_of=date(2022, 6, 1), destinations=["RU"])
    assert r.named and [d["code"] for d in r.destinations] == ["RU"]
    res = CliRunner().invoke(
        cli, ["rules", "--as-of", "2022-06-01", "-d", "RU", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == json.loads(json.dumps(r.to_dict()))
    every = api.rules(as_of=date(2022, 6, 1), destinations=["RU"], all_destinations=True)
    assert not every.named and len(every.destinations) > 100
