"""A copied evidence file keeps completion and checking in editors (the YAML language server).

The file's first line names `.spm-audit/evidence.schema.json`, relative to the file; outside the
repository that folder is written by `spm-audit schemas install` (or by `template` and
`import`). Tested with the real server, as an editor runs it.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli import app
from engine.resources import EXAMPLES_DIR
from engine.schemafiles import SCHEMA_FOLDER, install, schema_line

runner = CliRunner()


def _copy_example(folder: Path, typo: bool = False) -> Path:
    text = (EXAMPLES_DIR / "kombit-microfinance.yaml").read_text(encoding="utf-8")
    if typo:
        text = text.replace("\ninstitution:", "\ninstitutionn:", 1)
    copied = folder / "kombit.yaml"
    copied.write_text(text, encoding="utf-8")
    return copied


def _messages(diagnostics: list[dict]) -> list[str]:
    return [d["message"] for d in diagnostics]


def test_every_example_names_the_schema_beside_it() -> None:
    for example in [*EXAMPLES_DIR.glob("*.yaml"), EXAMPLES_DIR / "rulesets/lumen-credit.yaml"]:
        first = example.read_text(encoding="utf-8").splitlines()[0]
        assert first == schema_line("evidence"), example
        assert (example.parent / SCHEMA_FOLDER / "evidence.schema.json").is_file(), example


def test_a_copied_file_without_the_schemas_is_not_checked(yaml_server, tmp_path: Path) -> None:
    copied = _copy_example(tmp_path, typo=True)
    messages = " ".join(_messages(yaml_server.diagnostics(copied)))
    assert "Unable to load schema" in messages
    assert "institutionn" not in messages


def test_schemas_install_gives_a_copied_file_its_checks(yaml_server, tmp_path: Path) -> None:
    copied = _copy_example(tmp_path, typo=True)
    done = runner.invoke(app, ["schemas", "install", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert (tmp_path / SCHEMA_FOLDER / "evidence.schema.json").is_file()
    diagnostics = yaml_server.diagnostics(copied)
    assert any("institutionn" in m and "not allowed" in m for m in _messages(diagnostics))
    assert any(
        d["range"]["start"]["line"] == copied.read_text().splitlines().index("institutionn:")
        for d in diagnostics
    )


def test_a_copied_file_gets_completion(yaml_server, tmp_path: Path) -> None:
    install(tmp_path)
    copied = tmp_path / "new.yaml"
    copied.write_text(schema_line("evidence") + "\nschema_version: 1\nassessment:\n  \n", "utf-8")
    offered = yaml_server.completions(copied, line=3, character=2)
    assert {"assessed_on", "period", "type"} <= set(offered), offered


def test_template_writes_the_schemas_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "evidence.yaml"
    done = runner.invoke(app, ["template", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_text(encoding="utf-8").splitlines()[0] == schema_line("evidence")
    assert (tmp_path / SCHEMA_FOLDER / "evidence.schema.json").read_bytes() == (
        EXAMPLES_DIR / SCHEMA_FOLDER / "evidence.schema.json"
    ).read_bytes()


def test_install_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    assert install(tmp_path)
    assert install(tmp_path) == []
    stale = tmp_path / SCHEMA_FOLDER / "evidence.schema.json"
    stale.write_text("{}", encoding="utf-8")
    assert install(tmp_path) == [stale]


def test_install_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    done = runner.invoke(app, ["schemas", "install", str(tmp_path / "nowhere")])
    assert done.exit_code == 2
    assert "folder does not exist" in done.output
