"""What `assess --format json` loads: only what it needs (issue 17), and plain option conversion.

Typer 0.29 converts options through pydantic; cli.py converts the plain types itself
(engine.terminal.option_converter) with typer's messages. These tests fail if a change brings a
heavy import back onto the JSON path or changes what an option accepts.
"""

from __future__ import annotations

import enum
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.terminal import command_asked, only_the_command_asked, option_converter

ROOT = Path(__file__).resolve().parents[1]
KOMBIT = ROOT / "examples" / "kombit-microfinance.yaml"

_PROBE = """
import json, sys
import cli
sys.argv = ["spm-audit", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
heavy = ("pydantic", "jsonschema", "babel", "jinja2", "weasyprint", "engine.report.build",
         "engine.report.model", "engine.report.views", "engine.whatif", "engine.compare",
         "importlib.metadata", "engine.model.peers")
print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)
"""


def test_assess_json_loads_neither_pydantic_nor_the_report_layout(tmp_path: Path) -> None:
    args = ["assess", str(KOMBIT), "-f", "all", "--format", "json", "-o", str(tmp_path / "r.json")]
    for _ in range(2):  # the second run finds the evidence's schema check remembered
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT
        )
    assert (tmp_path / "r.json").stat().st_size > 100_000, done.stderr
    assert json.loads(done.stderr.splitlines()[-1]) == []


def test_commands_annotations_are_evaluated_once_at_import() -> None:
    import typer.main

    import cli

    commands = [c.callback for c in cli.app.registered_commands]
    commands += [
        c.callback for g in cli.app.registered_groups for c in g.typer_instance.registered_commands
    ]
    assert len(commands) > 10
    for command in commands:
        hints = command.__annotations__
        assert hints, command
        assert not any(isinstance(a, str) for a in hints.values()), command.__name__
    assert typer.main.get_command(cli.app).commands  # and typer builds every command from them


NAMES = {"assess", "rules", "validate"}
ASKED = [  # the command line's words, the command they invoke (None: build the whole app)
    (["assess", "x.yaml", "-f", "all"], "assess"),
    (["--debug", "assess", "x.yaml"], "assess"),
    (["rules", "list"], "rules"),
    (["--help"], None),
    ([], None),
    (["asess", "x.yaml"], None),  # a typo: the whole app, for typer's "did you mean"
    (["--", "assess"], None),
    (["-h", "validate"], "validate"),
]


@pytest.mark.parametrize(("args", "expected"), ASKED)
def test_command_asked(args: list[str], expected: str | None) -> None:
    assert command_asked(args, NAMES) == expected


def test_only_the_command_asked_is_built() -> None:
    import typer.main

    import cli

    whole = typer.main.get_command(cli.app)
    # the first word that is not an option names the command only if every option here is a flag
    assert all(getattr(p, "is_flag", False) for p in whole.params), whole.params
    for args, expected in [(["assess", "x.yaml"], ["assess"]), (["rules", "list"], ["rules"])]:
        lean = typer.main.get_command(only_the_command_asked(cli.app, args))
        assert sorted(lean.commands) == expected  # type: ignore[attr-defined]
        assert [p.name for p in lean.params] == [p.name for p in whole.params]
    assert only_the_command_asked(cli.app, ["--help"]) is cli.app
    assert len(whole.commands) > 10  # type: ignore[attr-defined]


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


CASES = [  # annotation, bounds, value given, what it becomes (or the error message)
    (str, (None, None), "x", "x"),
    (Path, (None, None), "a/b", Path("a/b")),
    (Path | None, (None, None), "-", Path("-")),
    (int, (1, None), "3", 3),
    (int, (1, None), "0", "Input should be greater than or equal to 1"),
    (
        int,
        (None, None),
        "abc",
        "Input should be a valid integer, unable to parse string as an integer",
    ),
    (float, (0, 100), "72.5", 72.5),
    (float, (0, 100), "120", "Input should be less than or equal to 100"),
    (
        float,
        (None, None),
        "x",
        "Input should be a valid number, unable to parse string as a number",
    ),
    (bool, (None, None), "yes", True),
    (bool, (None, None), "Off", False),
    (bool, (None, None), "maybe", "Input should be a valid boolean, unable to interpret input"),
    (Colour, (None, None), "blue", Colour.BLUE),
    (Colour, (None, None), "green", "Value error, 'green' is not one of 'red', 'blue'."),
    (list[str] | None, (None, None), ("a", "b"), ["a", "b"]),
    (list[Colour], (None, None), ["red"], [Colour.RED]),
]


@pytest.mark.parametrize(("annotation", "bounds", "given", "expected"), CASES)
def test_option_conversion(
    annotation: object, bounds: tuple, given: object, expected: object
) -> None:
    convert = option_converter(annotation, *bounds)
    assert convert is not None
    if isinstance(expected, str) and expected.startswith(("Input", "Value")):
        with pytest.raises(ValueError, match="^" + expected.replace(".", r"\.") + "$"):
            convert(given)
    else:
        assert convert(given) == expected


@pytest.mark.parametrize("annotation", [dict[str, int], int | str, tuple[int, int], bytes])
def test_other_types_keep_typers_own_conversion(annotation: object) -> None:
    assert option_converter(annotation) is None
