"""The spm-audit command line: parse options, call the engine, write, exit. No logic here."""

# NOTE: no `from __future__ import annotations` here: typer reads the annotations of every command
# on every run, and string annotations would be compiled and evaluated each time (~8 ms of every
# start, issue 17); tests/test_startup.py checks it.
import contextlib
import dataclasses
import functools
import gc
import logging
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from engine import messages, schemafiles, terminal
from engine.errors import AuditError, Diagnostic, ExitCode, InvalidInputError, Severity
from engine.output import json_bytes, write_atomically
from engine.pipeline import (
    demo_evidence,
    run_audit,
    unmet_requirements,
    validate_evidence,
    with_context,
)
from engine.release import __version__
from engine.render import (
    CSV_DIALECTS,
    RENDERERS,
    Audience,
    format_for,
    renderer_for,
    report_language,
)
from engine.rulesets import (
    bundled_frameworks,
    bundled_profiles,
    load_named,
    profiles_beside,
)

# NOTE: what only one command needs (the PDF checks, linting, diffs, docs, importers) is imported
# inside that command, so that `assess` starts without it (and see _plain_option_conversion).

T = TypeVar("T")


OutputFormat = StrEnum("OutputFormat", {name.upper(): name for name in RENDERERS})  # type: ignore[misc]
CsvDialect = StrEnum(  # type: ignore[misc]
    "CsvDialect", {name.upper().replace("-", "_"): name for name in CSV_DIALECTS}
)
DEFAULT_CSV_DIALECT = CsvDialect("excel")

# The options several commands share, declared once.
OutputOrStdout = Annotated[
    Path | None, typer.Option("--output", "-o", help="Where to write it (default: stdout).")
]
Frameworks = Annotated[
    list[str] | None,
    typer.Option(
        "--framework",
        "-f",
        metavar="ID",
        help="Framework id (repeat for several, or 'all'; listed below).",
    ),
]
Profiles = Annotated[
    list[str] | None,
    typer.Option(
        "--profile",
        "-p",
        metavar="ID",
        help="Profile id, e.g. alinus or client-protection (repeatable).",
    ),
]
RuleFolders = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        metavar="PATH",
        help="A rule set folder or profile file of your own (repeatable).",
    ),
]
Audiences = Annotated[
    Audience,
    typer.Option(
        "--audience",
        help="Who reads the report, in every format: full (assessors), institution (no "
        "confidential documents), board (summary edition), public (summary edition: scores, "
        "grade and findings; no names, evidence text or plan).",
    ),
]
Languages = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="en|fr|es",
        help="Language of the report or questionnaire, and of the messages (default: English; "
        "messages follow LC_ALL, LC_MESSAGES or LANG). JSON and CSV stay neutral.",
    ),
]
PeersTable = Annotated[
    Path | None,
    typer.Option(
        "--peers",
        metavar="PORTFOLIO.csv",
        help="A portfolio table of spm-audit batch: the full report shows the institution's "
        "scores and key figures against its peers (same country, legal form and size).",
        dir_okay=False,
    ),
]
CsvDialects = Annotated[
    CsvDialect,
    typer.Option(
        "--csv-dialect",
        help="For CSV: excel (comma, decimal point), excel-fr (semicolon, decimal comma: "
        "French, German, Spanish settings) or plain (for programs).",
    ),
]

app = typer.Typer(
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Audit social performance management against the Universal Standards, Smart Campaign and SPI.",
)
rules_app = typer.Typer(
    no_args_is_help=True, help="List, show and lint rule sets (for standard bodies)."
)
app.add_typer(rules_app, name="rules")
import_app = typer.Typer(
    no_args_is_help=True, help="Turn another tool's data export into an evidence file."
)
app.add_typer(import_app, name="import")
schemas_app = typer.Typer(
    no_args_is_help=True, help="The JSON Schemas of evidence and rule files, for editors."
)
app.add_typer(schemas_app, name="schemas")

_state = {"debug": False}


def _show_version(asked: bool) -> None:
    if asked:
        typer.echo(f"spm-audit {__version__}")
        raise typer.Exit()


class _ListsFrameworks(typer.core.TyperCommand):
    """A command whose help ends with the bundled frameworks and profiles, read when help is asked."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        frameworks = ", ".join(bundled_frameworks())
        profiles = ", ".join(bundled_profiles())
        self.epilog = f"Bundled frameworks: {frameworks}, or all. Profiles: {profiles}."
        super().format_help(ctx, formatter)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    _state["debug"] = debug
    messages.choose()  # the environment's language; a command's --lang overrides it
    if debug:
        logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("engine").setLevel(logging.DEBUG)


def _print_diagnostics(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        typer.echo(messages.diagnostic(diagnostic), err=True)


def _say(text: str) -> None:
    """A message on stderr, in the messages' language."""
    typer.echo(messages.said(text), err=True)


def _fail(error: AuditError) -> NoReturn:
    if isinstance(error, InvalidInputError):
        _print_diagnostics(error.diagnostics)
    _say(f"error: {error}")
    raise typer.Exit(int(error.exit_code))


def _run(action: Callable[[], T]) -> T:
    try:
        return action()
    except AuditError as e:
        _fail(e)
    except (typer.Exit, typer.Abort):
        raise
    except Exception as e:
        if _state["debug"]:
            raise
        _say(f"internal error: {type(e).__name__}: {e} (re-run with --debug)")
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _emit(data: bytes, out: Path | None, inputs: list[Path]) -> None:
    """Write `data` to `out` atomically, or to stdout when `out` is None or `-`."""
    done = terminal.emit(data, out, inputs)
    if done:
        _say(done)


def _emit_editable(data: bytes, out: Path | None, inputs: list[Path]) -> None:
    """Emit a YAML file for people to edit, with the schemas its first line names beside it."""
    _emit(data, out, inputs)
    if out is not None and out.suffix != ".xlsx" and schemafiles.install(out.parent):
        _say(f"wrote the schemas for editors in {out.parent / schemafiles.SCHEMA_FOLDER}")


def _format_for(fmt: OutputFormat | None, out: Path | None) -> str:
    return format_for(None if fmt is None else str(fmt.value), out)


@app.command(cls=_ListsFrameworks)
def assess(
    evidence: Annotated[
        Path,
        typer.Argument(
            help="Evidence file (YAML or JSON; - reads stdin).", dir_okay=False, metavar="EVIDENCE"
        ),
    ],
    framework: Frameworks = None,
    profile: Profiles = None,
    rules: RuleFolders = None,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option("--format", help="Report format (default: from -o's suffix, else json)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write the report (- or default: stdout).",
        ),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            min=0,
            max=100,
            metavar="PERCENT",
            help="Exit 1 if an overall score is below this percentage.",
        ),
    ] = None,
    require_gate: Annotated[
        list[str] | None,
        typer.Option(
            "--require-gate", metavar="GATE", help="Exit 1 unless this gate passed (repeatable)."
        ),
    ] = None,
    audience: Audiences = Audience.FULL,
    csv_dialect: CsvDialects = DEFAULT_CSV_DIALECT,
    lang: Languages = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            metavar="OLD",
            help="The previous assessment (its result JSON, or its evidence file): the report "
            "shows the change of every score and a progress section.",
            dir_okay=False,
        ),
    ] = None,
    peers: PeersTable = None,
) -> None:
    """Assess EVIDENCE against the chosen frameworks and write a scored report."""

    def action() -> int:
        messages.choose(lang)
        chosen_format = _format_for(fmt, out)
        made = renderer_for(
            chosen_format,
            audience.value,
            csv_dialect=csv_dialect.value,
            language=report_language(lang),
        )
        with contextlib.closing(made) as renderer, terminal.Progress() as progress:
            renderer.start()  # a PDF's layout engine loads while the assessment runs
            chosen = [*(framework or []), *(profile or []), *(str(p) for p in rules or [])]
            progress.step(messages.said("assessing"))
            result = with_context(
                run_audit(evidence, chosen), chosen, previous=previous, peers=peers
            )
            progress.clear()
            _print_diagnostics(list(result.warnings))
            unmet = unmet_requirements(
                result, fail_under=fail_under, required_gates=require_gate or []
            )
            for sentence in unmet:
                _say(f"failed: {sentence}")
            progress.step(messages.said(f"writing the {chosen_format.upper()} report"))
            data = renderer.render(result)
            progress.clear()
            _emit(data, out, [evidence])
        return int(ExitCode.FAILED if unmet else ExitCode.OK)

    raise typer.Exit(_run(action))


class CompareFormat(StrEnum):
    """Formats of `compare` and `whatif`."""

    MARKDOWN = "markdown"
    JSON = "json"


MarkdownOrJson = Annotated[CompareFormat, typer.Option("--format", help="Report format.")]
EvidenceFrameworks = Annotated[
    list[str] | None,
    typer.Option(
        "--framework",
        "-f",
        metavar="ID",
        help="For an evidence file: the frameworks to assess (default: those of a result JSON "
        "given beside it, else universal-standards).",
    ),
]


@app.command()
def compare(
    old: Annotated[
        Path, typer.Argument(help="The earlier assessment: a result JSON or an evidence file.")
    ],
    new: Annotated[
        Path, typer.Argument(help="The later assessment: a result JSON or an evidence file.")
    ],
    framework: EvidenceFrameworks = None,
    self_assessment: Annotated[
        bool,
        typer.Option(
            "--self-assessment",
            help="OLD is the institution's self-assessment, NEW an external one of the same "
            "period: list where the institution rated itself higher, with each side's evidence.",
        ),
    ] = False,
    fmt: MarkdownOrJson = CompareFormat.MARKDOWN,
    out: OutputOrStdout = None,
) -> None:
    """Compare two assessments of one institution: scores, findings, goals, the earlier action plan."""
    from engine.compare_report import compare_report

    def action() -> None:
        data = compare_report(old, new, framework or [], fmt.value, self_assessment=self_assessment)
        _emit(data, out, [old, new])

    _run(action)


@app.command()
def whatif(
    result: Annotated[
        Path, typer.Argument(help="A result JSON (from assess --format json) or an evidence file.")
    ],
    framework: EvidenceFrameworks = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="Actions the Markdown lists (JSON: all).")
    ] = 20,
    fmt: MarkdownOrJson = CompareFormat.MARKDOWN,
    out: OutputOrStdout = None,
) -> None:
    """Rank the actions by the exact score, grade and gate change each would bring.

    And find the fewest actions that pass each failed gate or reach the next grade.
    """
    from engine.whatif_report import whatif_report

    def action() -> None:
        _emit(whatif_report(result, framework or [], fmt.value, top), out, [result])

    _run(action)


@app.command(cls=_ListsFrameworks)
def batch(
    target: Annotated[
        str, typer.Argument(help="A folder of evidence files, or a glob.", metavar="DIR|GLOB")
    ],
    out: Annotated[
        Path, typer.Option("--output", "-o", metavar="OUT/", help="Folder for the records.")
    ],
    framework: Frameworks = None,
    profile: Profiles = None,
    rules: RuleFolders = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", metavar="N", help="Workers (default: one a core).")
    ] = None,
    audience: Audiences = Audience.FULL,
    csv_dialect: CsvDialects = DEFAULT_CSV_DIALECT,
    summary: Annotated[
        bool, typer.Option(help="Also write the summary: portfolio.html and portfolio.pdf.")
    ] = True,
) -> None:
    """Assess many evidence files against rule sets loaded once: a JSON record each, portfolio tables, a summary."""
    from engine.portfolio import run_batch

    names = [*(framework or []), *(profile or []), *(str(p) for p in rules or [])]
    settings = (jobs, audience.value, csv_dialect.value, summary, terminal.Progress())
    raise typer.Exit(_run(lambda: run_batch(target, names, out, *settings, terminal.say)))


@app.command()
def validate(
    evidence: Annotated[Path, typer.Argument(help="Evidence file (YAML or JSON).", dir_okay=False)],
) -> None:
    """Check an evidence file: schema, references, and warnings; writes nothing."""

    def action() -> None:
        warnings = validate_evidence(evidence)
        _print_diagnostics(list(warnings))
        _say(f"{evidence}: valid ({len(warnings)} warning(s))")

    _run(action)


@app.command()
def template(
    framework: Frameworks = None,
    out: OutputOrStdout = None,
    facts_only: Annotated[
        bool,
        typer.Option("--facts-only", help="Only the institution and its facts (no questions)."),
    ] = False,
    answers_only: Annotated[
        bool,
        typer.Option("--answers-only", help="Only the institution and the questions (no facts)."),
    ] = False,
    source: Annotated[
        Path | None,
        typer.Option("--from", help="Pre-fill a workbook (-o FILE.xlsx) from this evidence file."),
    ] = None,
    lang: Languages = None,
) -> None:
    """Write an evidence template (questionnaire) to fill: YAML, or a workbook for -o FILE.xlsx."""
    from engine.questionnaire_xlsx import template_bytes

    messages.choose(lang)
    if facts_only and answers_only:
        raise typer.BadParameter("choose one of --facts-only and --answers-only, or neither")
    made = functools.partial(template_bytes, framework or [], out, source, facts_only, answers_only)
    _run(lambda: _emit_editable(made(report_language(lang)), out, [source] if source else []))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--output", "-o", help="Where to write the PDF.")] = Path(
        "spm-audit-demo.pdf"
    ),
    framework: Frameworks = None,
    lang: Languages = None,
    peers: PeersTable = None,
) -> None:
    """Assess the bundled example institution and write a PDF report."""

    def action() -> None:
        messages.choose(lang)
        source = demo_evidence()
        with contextlib.closing(
            RENDERERS[_format_for(None, out) if out.suffix else "pdf"](
                language=report_language(lang)
            )
        ) as renderer:
            renderer.start()
            result = with_context(run_audit(source, framework or ["all"]), peers=peers)
            write_atomically(out, renderer.render(result), inputs=[source])
        _say(f"wrote {out} (assessment of {source.name})")

    _run(action)


@app.command()
def migrate(
    evidence: Annotated[Path, typer.Argument(help="Evidence file (YAML or JSON).", dir_okay=False)],
    to: Annotated[str, typer.Option("--to", help="The rule-set version to migrate to.")],
    out: Annotated[Path, typer.Option("--output", "-o", help="Where to write the new file.")],
    framework: Annotated[
        str | None,
        typer.Option(
            "--framework", "-f", help="Rule set (id or folder); default: the one recorded."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--from", help="The version the file was written for, if it does not say."),
    ] = None,
) -> None:
    """Carry answers, overrides and action-plan entries to a newer rule-set version's ids."""
    from engine.migrate import migrate_evidence, migration_lines

    def action() -> None:
        migration = migrate_evidence(evidence, to, framework, since)
        write_atomically(out, migration.text.encode("utf-8"), inputs=[evidence])
        _print_diagnostics(migration.notes)
        for line in migration_lines(migration, out):
            _say(line)

    _run(action)


@app.command()
def doctor() -> None:
    """Check that this machine can render PDF reports (fonts, Pango)."""
    from engine.render.pdf_report import font_notes, system_problems

    def action() -> None:
        problems = system_problems()
        for problem in problems:
            _say(f"error: {problem}")
        if problems:
            raise typer.Exit(int(ExitCode.INTERNAL))
        for note in font_notes():
            _say(f"note: {note}; a report naming them fails until then")
        _say("spm-audit can render PDF reports on this machine")

    _run(action)


@rules_app.command("list")
def rules_list() -> None:
    """List the bundled frameworks and profiles."""
    from engine import describe

    _run(lambda: typer.echo(describe.catalogue_text(bundled_profiles()), nl=False))


@rules_app.command("show")
def rules_show(
    framework: Annotated[
        str, typer.Argument(help="Framework or profile id, or a rule set folder.")
    ],
    node: Annotated[
        str | None, typer.Argument(help="A node or indicator id to show in full.")
    ] = None,
) -> None:
    """Show a rule set's tree, or one node or indicator in full."""
    from engine import describe

    _run(lambda: typer.echo(describe.rule_set_text(load_named(framework), node), nl=False))


@rules_app.command("lint")
def rules_lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Rule set folders, profile files or scorecards (default: every bundled one)."
        ),
    ] = None,
) -> None:
    """Validate rule sets, profiles and poverty scorecards, and run every indicator's examples."""
    from engine.lint import lint_rule_sets, summary_line
    from engine.scorecards import bundled_scorecards

    def action() -> int:
        folders = paths or [
            *bundled_frameworks().values(),
            *bundled_profiles().values(),
            *bundled_scorecards().values(),
        ]
        loaded, problems = lint_rule_sets(
            folders, {**bundled_profiles(), **profiles_beside(folders)}
        )
        _print_diagnostics(problems)
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        for rule_set in loaded:
            _say(summary_line(rule_set))
        _say(f"{errors} problem(s) in {len(folders)} rule set(s), profile(s) and scorecard(s)")
        return int(ExitCode.INVALID_INPUT if errors else ExitCode.OK)

    raise typer.Exit(_run(action))


@rules_app.command("test")
def rules_test(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Rule set folders, test files or bundled framework ids (default: every bundled one)."
        ),
    ] = None,
    coverage_json: Annotated[
        Path | None,
        typer.Option("--coverage-json", help="Write the coverage (indicators, branches) as JSON."),
    ] = None,
) -> None:
    """Run rule tests (tests/*.yaml beside a rule set) and every indicator's examples."""
    from engine.rulesuite import run_rule_tests

    def action() -> int:
        run = run_rule_tests(paths or [])
        _print_diagnostics(run.problems)
        for line in run.summary:
            typer.echo(line)
        if coverage_json is not None and not run.problems:
            write_atomically(coverage_json, json_bytes(run.coverage))
        _say(f"{run.cases} case(s), {run.failed} failed, {len(run.problems)} problem(s)")
        return int(ExitCode.INVALID_INPUT if run.problems else ExitCode.OK)

    raise typer.Exit(_run(action))


class DiffFormat(StrEnum):
    """Formats of `rules diff`."""

    MARKDOWN = "markdown"
    JSON = "json"


@rules_app.command("diff")
def rules_diff(
    old: Annotated[str, typer.Argument(help="Old rule set: folder, profile file or bundled id.")],
    new: Annotated[str, typer.Argument(help="New rule set: folder, profile file or bundled id.")],
    impact: Annotated[
        Path | None,
        typer.Option("--impact", help="Assess every evidence file in this folder with both."),
    ] = None,
    fmt: Annotated[
        DiffFormat, typer.Option("--format", help="Report format.")
    ] = DiffFormat.MARKDOWN,
    out: OutputOrStdout = None,
) -> None:
    """Show what changed between two versions of a rule set, and its impact on evidence files."""
    from engine.rulediff_report import diff_report

    def action() -> None:
        _emit(diff_report(old, new, impact, fmt.value), out, [])

    _run(action)


class DocsFormat(StrEnum):
    """Formats of `rules docs`."""

    HTML = "html"
    MARKDOWN = "markdown"


@rules_app.command("docs")
def rules_docs(
    rule_sets: Annotated[
        list[str], typer.Argument(help="Rule set folders, profile files or bundled ids.")
    ],
    out: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the pages to.")],
    fmt: Annotated[DocsFormat, typer.Option("--format", help="Page format.")] = DocsFormat.HTML,
) -> None:
    """Write a browsable reference of rule sets (one page per top-level node)."""
    from engine.ruledocs import write_rule_docs

    def action() -> None:
        written = write_rule_docs(rule_sets, out, fmt.value)
        _say(f"wrote {len(written)} page(s) to {out}")

    _run(action)


@rules_app.command("resolve")
def rules_resolve(
    profile: Annotated[str, typer.Argument(help="Profile id or profile file.")],
) -> None:
    """Print a profile resolved against its rule set (extends applied)."""
    from engine import describe

    _run(lambda: typer.echo(describe.resolved_text(load_named(profile)), nl=False))


@import_app.command("green-index")
def import_green_index(
    export: Annotated[
        Path, typer.Argument(help="The form's data export (CSV or xlsx), one row per submission.")
    ],
    out: Annotated[Path, typer.Option("--output", "-o", help="The evidence file to write.")],
    institution: Annotated[
        str | None,
        typer.Option(help="Import this institution's rows (the export's 'institution' column)."),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(help="An evidence file to add the answers to (it is read, not changed)."),
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO 3166-1 alpha-2 country code, for a new evidence file.")
    ] = None,
    assessed_on: Annotated[
        str | None,
        typer.Option(help="Assessment date YYYY-MM-DD (default: the latest submission's date)."),
    ] = None,
) -> None:
    """Turn a Green Index 3.0 data export into evidence (facts.green_index); writes nothing on error."""
    from engine.importers.green_index import import_export

    def action() -> None:
        imported = import_export(
            export, institution=institution, into=into, country=country, assessed_on=assessed_on
        )
        _emit_editable(imported.yaml_text.encode(), out, [export, *([into] if into else [])])
        _say(f"{out}: {imported.institution}, {imported.respondents} respondent(s)")

    _run(action)


@import_app.command("questionnaire")
def import_questionnaire(
    workbook: Annotated[Path, typer.Argument(help="A questionnaire workbook, filled (xlsx).")],
    out: Annotated[Path, typer.Option("--output", "-o", help="The evidence file to write.")],
) -> None:
    """Turn a filled questionnaire workbook into an evidence file; writes nothing on error."""
    from engine.importers.questionnaire import read_questionnaire

    def action() -> None:
        imported = read_questionnaire(workbook)
        _print_diagnostics(list(imported.warnings))
        _emit_editable(imported.yaml_text.encode(), out, [workbook])
        _say(f"{out}: {imported.answers} answer(s), {imported.facts} fact(s)")

    _run(action)


@schemas_app.command("install")
def schemas_install(
    folder: Annotated[
        Path, typer.Argument(help="The folder of your evidence or rule files (default: here).")
    ] = Path(),
) -> None:
    """Write the schemas into FOLDER/.spm-audit/, where the files' first line looks for them."""

    def action() -> None:
        written = schemafiles.install(folder)
        where = folder / schemafiles.SCHEMA_FOLDER
        typer.echo(
            f"wrote {len(written)} schema(s) in {where}" if written else f"{where} is up to date",
            err=True,
        )
        typer.echo(f"first line of an evidence file: {schemafiles.schema_line('evidence')}")

    _run(action)


def _plain_option_conversion() -> None:
    """Convert plain option values without typer 0.29's pydantic adapters (60 ms of every run).

    engine.terminal.option_converter converts; paths get typer's checks; other types, typer's path.
    """
    from typer import _coercion, _param_types, core

    original = vars(core)["build_runtime_param"]

    @dataclasses.dataclass(frozen=True)
    class Plain(_coercion.RuntimeParam):
        convert: Callable[[object], object] = str

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                done = self.convert(value)
            except ValueError as e:
                raise typer.BadParameter(str(e), ctx=ctx, param=param) from e
            if isinstance(done, Path):  # exists, dir_okay, …: typer's checks, without pydantic
                return _param_types.coerce_cli_path(done, self.parameter_info, path_type=Path)
            return done

    def build(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        convert = terminal.option_converter(descriptor.annotation, info.min, info.max)
        if convert is None or descriptor.file_annotation is not None or info.clamp or info.parser:
            return original(descriptor)
        return Plain(info, descriptor.annotation, convert)

    setattr(core, "build_runtime_param", build)  # noqa: B010 - not exported by typer


def main() -> None:
    """Console-script entry point."""
    gc.freeze()  # the modules just imported live as long as the process: stop scanning them
    if typer.__version__.startswith("0.29."):
        _plain_option_conversion()
    terminal.only_the_command_asked(app, sys.argv[1:])()


if __name__ == "__main__":
    main()
