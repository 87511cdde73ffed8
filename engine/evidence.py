"""Stage 2 for evidence: a loaded evidence file → a validated `EvidenceSet`.

Checks the file against the evidence schema, then what a schema cannot say (dates in order, cited
documents listed, figures that cannot exceed their totals: the consistency checks of
`schemas/evidence-checks.yaml`), and cross-checks answers and overrides against the rule sets of a
run. Raises `InvalidInputError` with every problem at once; warnings ride along on the result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, cast

from engine import schemacache, schemacheck
from engine.conditions import ConditionCompiler, FieldType, fact_types
from engine.countries import CODES
from engine.derived import derive_facts
from engine.errors import Diagnostic, InvalidInputError, Position, Severity, did_you_mean
from engine.load import load_file
from engine.model import (
    ActionItem,
    Answer,
    AssessmentDates,
    AssessorAnswer,
    Citation,
    DocumentRef,
    EvidenceCheck,
    EvidenceSet,
    Indicator,
    Override,
    RuleSet,
    Status,
    TraceEntry,
)
from engine.placeholders import find_placeholders, without_repeats
from engine.resources import SCHEMAS_DIR
from engine.yamlsource import PathKey, YamlDocument, dotted_positions, leaves

logger = logging.getLogger(__name__)

MAX_ANSWERS = 5000
CHECKS_FILE = "evidence-checks.yaml"


def countries() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 country codes (CLDR's territories, engine.countries)."""
    return CODES


@functools.cache
def evidence_fact_types() -> FieldType:
    """The evidence vocabulary's type tree."""
    return fact_types(schemacheck.load_schema("evidence"))


def _raise_if_errors(diagnostics: Sequence[Diagnostic]) -> None:
    if any(d.severity is Severity.ERROR for d in diagnostics):
        raise InvalidInputError(diagnostics)


# Sections kept when a key they require is refused or missing, so that the other checks still run;
# `_check_evidence_semantics` reads their keys with `.get`.
_READ_WITH_CARE = (("institution",), ("assessment",), ("assessment", "period"))


@dataclass(frozen=True)
class EvidenceRead:
    """An evidence file as far as it could be read: every problem, and what was sound of it.

    `evidence` is built from the parts the schema accepts even when there are errors, so that a
    run can go on to check answers against the rule sets and report every problem at once; it is
    None only when nothing sound is left (the file's top level or its assessment is refused).
    Never assess an `evidence` that came with errors.
    """

    evidence: EvidenceSet | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def has_errors(self) -> bool:
        """Whether any diagnostic is an error."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def load_evidence(path: Path) -> EvidenceSet:
    """Load and validate an evidence file (YAML or JSON).

    Raises:
        InvalidInputError: with every problem in the file.
    """
    return _valid(read_evidence(path))


def read_evidence(path: Path) -> EvidenceRead:
    """Load an evidence file and check it, keeping what is sound (see `EvidenceRead`).

    Raises:
        InvalidInputError: the file cannot be read or parsed at all.
    """
    loaded = load_file(path)
    return read_document(loaded.document, loaded.sha256, path, cached=True)


def build_evidence(doc: YamlDocument, sha256: str, path: Path | None = None) -> EvidenceSet:
    """Validate a parsed evidence document and build the typed evidence set.

    Raises:
        InvalidInputError: with every problem in the document.
    """
    return _valid(read_document(doc, sha256, path))


def _valid(read: EvidenceRead) -> EvidenceSet:
    if read.has_errors or read.evidence is None:
        raise InvalidInputError(read.diagnostics)
    return read.evidence


def read_document(
    doc: YamlDocument, sha256: str, path: Path | None = None, *, cached: bool = False
) -> EvidenceRead:
    """Check a parsed evidence document: the schema, then on its sound part what a schema cannot say.

    `cached`: `sha256` is the digest of the bytes `doc` was parsed from, so a file that passed the
    schema before skips it (engine.schemacache).
    """
    blanks = find_placeholders(doc)
    known = cached and schemacache.is_known_valid("evidence", sha256)
    errors = [] if known else _schema_errors(doc, sha256 if cached else "")
    diagnostics = [*without_repeats(errors, blanks), *blanks]
    sound = (
        schemacheck.sound_part(
            doc, schemacheck.validator("evidence"), incomplete_ok=_READ_WITH_CARE
        )
        if diagnostics
        else schemacheck.SoundPart(doc, ())
    )
    if sound is None:
        return EvidenceRead(None, tuple(diagnostics))
    doc = sound.document
    data = cast(Mapping[str, Any], doc.data)
    broken_documents = {
        str(value["id"])
        for at, value in sound.removed
        if at[:1] == ("documents",) and len(at) == 2 and isinstance(value, Mapping)
        if isinstance(value.get("id"), str)
    }
    diagnostics.extend(_check_evidence_semantics(doc, data, path, broken_documents))
    derived = derive_facts(doc, data.get("facts", {}), path)
    diagnostics.extend(derived.diagnostics)
    positions = _fact_positions(doc)
    diagnostics.extend(
        run_evidence_checks(bundled_evidence_checks(), data.get("facts", {}), positions)
    )
    assessment, period = data["assessment"], data["assessment"].get("period", {})
    dates = period.get("start", ""), period.get("end", ""), assessment.get("assessed_on", "")
    if any(_date(d) is None for d in dates):
        return EvidenceRead(
            None, tuple(sorted(set(diagnostics)))
        )  # reported above; nothing to date
    evidence = dataclasses.replace(
        _evidence_set(
            doc, sha256, data, diagnostics, derived.facts, {**positions, **derived.positions}
        ),
        scorecards=derived.scorecards,
    )
    return EvidenceRead(evidence, tuple(sorted(set(diagnostics))))


def _schema_errors(doc: YamlDocument, sha256: str) -> list[Diagnostic]:
    """The evidence schema's complaints about `doc`; clean bytes are remembered as valid."""
    found = schemacheck.check(doc, doc.data, "evidence")
    if not found and sha256:
        schemacache.remember_valid("evidence", sha256)
    return found


def _evidence_set(
    doc: YamlDocument,
    sha256: str,
    data: Mapping[str, Any],
    diagnostics: Sequence[Diagnostic],
    facts: Mapping[str, object],
    fact_positions: Mapping[str, Position],
) -> EvidenceSet:
    warnings = tuple(d for d in diagnostics if d.severity is Severity.WARNING)

    def answer(raw: Mapping[str, Any], at: PathKey) -> AssessorAnswer:
        return AssessorAnswer(
            answer=Answer(raw["answer"]),
            comment=raw.get("comment", ""),
            citations=tuple(
                Citation(
                    c["document"],
                    c.get("pages", ""),
                    c.get("note", ""),
                    doc.position_of((*at, "evidence", j, "document")),
                )
                for j, c in enumerate(raw.get("evidence", []))
            ),
            answered_by=raw.get("answered_by", ""),
            answered_on=raw.get("answered_on", ""),
            position=doc.position_of(at),
        )

    in_force, expired = _overrides(doc, data)
    return EvidenceSet(
        file=doc.file,
        sha256=sha256,
        institution=data["institution"],
        assessment=data["assessment"],
        documents={
            d["id"]: DocumentRef(
                d["id"],
                d["title"],
                d.get("kind", "other"),
                d.get("date", ""),
                d.get("pages"),
                d.get("confidential", False),
                doc.position_of(("documents", i)),
                tuple(d.get("topics", ())),
            )
            for i, d in enumerate(data.get("documents", []))
        },
        facts=facts,
        answers={
            fw: {rid: answer(a, ("answers", fw, rid)) for rid, a in per.items()}
            for fw, per in data.get("answers", {}).items()
        },
        overrides=in_force,
        expired_overrides=expired,
        action_plan={
            fw: {
                rid: ActionItem(
                    a.get("owner", ""),
                    a.get("due", ""),
                    a.get("status", "open"),
                    a.get("effort", ""),
                )
                for rid, a in per.items()
            }
            for fw, per in data.get("action_plan", {}).items()
        },
        fact_positions=fact_positions,
        fact_sources=dict(data.get("fact_sources", {})),
        dates=AssessmentDates(
            dt.date.fromisoformat(data["assessment"]["period"]["start"]),
            dt.date.fromisoformat(data["assessment"]["period"]["end"]),
            dt.date.fromisoformat(data["assessment"]["assessed_on"]),
            _date(data["assessment"].get("approved_on", "")),
        ),
        warnings=warnings,
        text=doc.text,
        rule_set_versions={
            fw: (version, doc.position_of(("assessment", "rule_set_versions", fw)))
            for fw, version in data["assessment"].get("rule_set_versions", {}).items()
        },
    )


OverridesByFramework = dict[str, dict[str, Override]]


def _overrides(
    doc: YamlDocument, data: Mapping[str, Any]
) -> tuple[OverridesByFramework, OverridesByFramework]:
    """The overrides in force on the assessment date, and those expired before it."""
    assessed_on = dt.date.fromisoformat(data["assessment"]["assessed_on"])
    in_force: OverridesByFramework = {}
    expired: OverridesByFramework = {}
    for fw, per in data.get("overrides", {}).items():
        for rid, o in per.items():
            override = Override(
                Status(o["status"]),
                o["reason"],
                o["by"],
                o["on"],
                doc.position_of(("overrides", fw, rid)),
                authority=o.get("authority", ""),
                expires=_date(o["expires"]) if "expires" in o else None,
                reaches_equivalents=o.get("scope", "equivalents") == "equivalents",
            )
            lapsed = override.expires is not None and override.expires < assessed_on
            (expired if lapsed else in_force).setdefault(fw, {})[rid] = override
    return in_force, expired


def _fact_positions(doc: YamlDocument) -> dict[str, Position]:
    """Dotted fact path ('portfolio.par30', 'products.2.apr') → its position in the file."""
    return dotted_positions(doc.positions, "facts")


# ---------------------------------------------------------------------------------------------
# Consistency checks: data, in the rule language
# ---------------------------------------------------------------------------------------------


def compile_evidence_checks(
    doc: YamlDocument, at: PathKey, raw: Sequence[Mapping[str, Any]], diagnostics: list[Diagnostic]
) -> tuple[EvidenceCheck, ...]:
    """Consistency checks from their YAML (schema-valid), conditions compiled; problems appended."""
    compiler = ConditionCompiler(evidence_fact_types(), {}, doc, diagnostics)
    checks = []
    for index, entry in enumerate(raw):
        here = (*at, index)
        holds = compiler.compile(entry["holds"], (*here, "holds"))
        compiler.compile({"exists": entry["at"]}, (*here, "at"))  # 'at' names a fact
        if holds is not None:
            checks.append(
                EvidenceCheck(
                    entry["id"],
                    entry["at"],
                    holds,
                    entry["message"],
                    Severity(entry.get("severity", "error")),
                    doc.position_of(here),
                )
            )
    return tuple(checks)


@functools.cache
def bundled_evidence_checks() -> tuple[EvidenceCheck, ...]:
    """The consistency checks of schemas/evidence-checks.yaml (a bundled, trusted file)."""
    loaded = load_file(SCHEMAS_DIR / CHECKS_FILE, cache=True)
    diagnostics = schemacheck.check_file(loaded.document, loaded.sha256, "evidence-checks")
    _raise_if_errors(diagnostics)
    data = cast(Mapping[str, Any], loaded.document.data)
    checks = compile_evidence_checks(loaded.document, ("checks",), data["checks"], diagnostics)
    _raise_if_errors(diagnostics)
    return checks


def run_evidence_checks(
    checks: Sequence[EvidenceCheck], facts: Mapping[str, object], positions: Mapping[str, Position]
) -> list[Diagnostic]:
    """A diagnostic for every check whose condition is false on these facts."""
    found = []
    for check in checks:
        trace: list[TraceEntry] = []
        if check.holds.evaluate(facts, trace) is False:
            values = "; ".join(e.text for e in trace if e.result is False)
            position = positions.get(check.at) or positions.get(check.at.split(".")[0])
            found.append(
                Diagnostic(
                    position or Position(check.position.file, 1, 1),
                    f"{check.message}: {values}",
                    check.severity,
                    "evidence",
                )
            )
    return found


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _looks_like_date(value: object) -> bool:
    """Text of the form YYYY-MM-…, which must then be a calendar date."""
    return (
        isinstance(value, str)
        and len(value) == 10
        and value[4:5] == "-"
        and value[7:8] == "-"
        and value[:4].isdigit()
    )


def _check_evidence_semantics(
    doc: YamlDocument, data: Mapping[str, Any], path: Path | None, broken_documents: set[str]
) -> list[Diagnostic]:
    """What a schema cannot say; a reference to a document the schema refused is not reported."""
    found: list[Diagnostic] = []

    def problem(
        at: PathKey, message: str, severity: Severity = Severity.ERROR, code: str = "evidence"
    ) -> None:
        found.append(Diagnostic(doc.position_of(at), message, severity, code))

    assessment = data["assessment"]
    assessed_on = _date(assessment.get("assessed_on", ""))
    for at, found_text in leaves(data, _looks_like_date):
        text = cast(str, found_text)
        when = _date(text)
        if when is None:
            problem(at, f"'{text}' is not a calendar date")
        elif (
            assessed_on
            and when > assessed_on
            and at[:1] in (("documents",), ("facts",))
            and at[-1] not in ("deadline",)
            and "terms" not in at  # a loan's schedule runs past the assessment
        ):
            problem(at, f"date {text} is after the assessment date {assessed_on.isoformat()}")
    period = assessment.get("period", {})
    start, end = _date(period.get("start", "")), _date(period.get("end", ""))
    if start and end and start > end:
        problem(
            ("assessment", "period", "end"), f"the period ends ({end}) before it starts ({start})"
        )
    if end and assessed_on and end > assessed_on:
        problem(
            ("assessment", "period", "end"),
            f"the period ends ({end}) after the assessment date ({assessed_on})",
        )
    if assessment.get("status") == "approved" and not (
        assessment.get("approved_by") and assessment.get("approved_on")
    ):
        problem(
            ("assessment", "status"), "an approved assessment needs 'approved_by' and 'approved_on'"
        )

    documents: dict[str, PathKey] = {}
    for i, document in enumerate(data.get("documents", [])):
        doc_id = document["id"]
        if doc_id in documents:
            first = doc.position_of(documents[doc_id])
            problem(
                ("documents", i, "id"),
                f"duplicate document id '{doc_id}' (first at line {first.line})",
            )
        documents.setdefault(doc_id, ("documents", i))
        if "path" in document:
            pure = PurePosixPath(document["path"].replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or ":" in document["path"]:
                problem(
                    ("documents", i, "path"),
                    f"document path '{document['path']}' must stay inside the evidence file's folder",
                )
    for section, doc_id in data.get("fact_sources", {}).items():
        if doc_id not in documents and doc_id not in broken_documents:
            hint = did_you_mean(doc_id, list(documents))
            problem(
                ("fact_sources", section),
                f"source document '{doc_id}' is not listed in 'documents'{hint}",
                code="reference",
            )
    country = data["institution"].get("country")
    if country is not None and country not in countries():
        problem(
            ("institution", "country"),
            f"'{country}' is not an ISO 3166-1 country code{did_you_mean(country, countries())}",
        )
    for fw, per in data.get("overrides", {}).items():
        for rid, override in per.items():
            expires = _date(override.get("expires", ""))
            given = _date(override["on"])
            if expires is None:
                continue
            at = ("overrides", fw, rid, "expires")
            if given and expires < given:
                problem(
                    at, f"the override of '{rid}' expires ({expires}) before it was given ({given})"
                )
            elif assessed_on and expires < assessed_on:
                problem(
                    at,
                    f"the override of '{rid}' expired on {expires}, before the assessment "
                    f"({assessed_on}): it no longer applies; renew it or remove it",
                    Severity.WARNING,
                    "waiver",
                )
    total_answers = 0
    for fw, per in data.get("answers", {}).items():
        for rid, answer in per.items():
            total_answers += 1
            at = ("answers", fw, rid)
            if answer["answer"] == "na" and not answer.get("comment", "").strip():
                problem(
                    (*at, "answer"),
                    f"'{rid}' is answered N/A without a justification in 'comment'",
                    Severity.WARNING,
                    "justification",
                )
            for j, cite in enumerate(answer.get("evidence", [])):
                if cite["document"] not in documents and cite["document"] not in broken_documents:
                    hint = did_you_mean(cite["document"], list(documents))
                    problem(
                        (*at, "evidence", j, "document"),
                        f"cited document '{cite['document']}' is not listed in 'documents'{hint}",
                        code="reference",
                    )
    if total_answers > MAX_ANSWERS:
        problem(
            ("answers",), f"{total_answers} answers, over the limit of {MAX_ANSWERS}", code="limit"
        )
    return found


def _citations_off_topic(evidence: EvidenceSet, rule_set: RuleSet, fw: str) -> list[Diagnostic]:
    """A warning for each cited document whose declared topics do not meet its indicator's."""
    indicators: dict[str, Indicator] = {i.id: i for i in rule_set.indicators()}
    found = []
    for rid, answer in evidence.answers.get(fw, {}).items():
        indicator = indicators.get(rid)
        if indicator is None or not indicator.topics:
            continue
        for citation in answer.citations:
            document = evidence.documents.get(citation.document)
            if document is None or not document.topics:
                continue
            if not set(document.topics) & set(indicator.topics):
                found.append(
                    Diagnostic(
                        citation.position or answer.position,
                        f"{document.id} (about {', '.join(document.topics)}) is cited for {rid}, "
                        f"which is about {', '.join(indicator.topics)}: cite a document that "
                        "covers it, or add the topic to the document if it does",
                        Severity.WARNING,
                        "topic",
                    )
                )
    return found


def check_evidence_for(
    evidence: EvidenceSet, rule_sets: Sequence[RuleSet], known_frameworks: Iterable[str]
) -> list[Diagnostic]:
    """Cross-check answers and overrides against the rule sets of this run.

    Unknown indicator ids and unknown frameworks are errors (with a suggestion); answers for a
    known framework that this run does not assess are left to the pipeline, which warns when
    they reach no assessed indicator.
    """
    found: list[Diagnostic] = []
    own_checks = list(dict.fromkeys(c for rs in rule_sets for c in rs.evidence_checks))
    found.extend(run_evidence_checks(own_checks, evidence.facts, evidence.fact_positions))
    # Answers are given under a framework id; a profile takes the answers of the rule set it tailors.
    selected: dict[str, RuleSet] = {}
    for rs in rule_sets:
        if rs.answers_key not in selected or rs.base is None:
            selected[rs.answers_key] = rs
    known = set(known_frameworks) | set(selected)
    for section, entries in (
        ("answers", evidence.answers),
        ("overrides", evidence.overrides),
        ("action_plan", evidence.action_plan),
    ):
        for fw, per in entries.items():
            if fw not in selected:
                if fw in known:
                    continue  # a framework this run does not assess (see pipeline's warning)
                hint = did_you_mean(fw, sorted(known), known="known")
                # The framework key itself has no recorded position; its first entry does.
                first_entry = next(iter(per.values()), None)
                found.append(
                    Diagnostic(
                        getattr(first_entry, "position", Position(evidence.file, 1, 1)),
                        f"{section} name unknown framework '{fw}'{hint}",
                        code="reference",
                    )
                )
                continue
            if section == "answers":
                found.extend(_citations_off_topic(evidence, selected[fw], fw))
            ids = selected[fw].base_indicator_ids or {ind.id for ind in selected[fw].indicators()}
            replaced = {old: ind.id for ind in selected[fw].indicators() for old in ind.replaces}
            for rid, entry in per.items():
                if rid in ids or rid in replaced:
                    continue
                hint = did_you_mean(rid, sorted(ids))
                position = getattr(entry, "position", Position(evidence.file, 1, 1))
                found.append(
                    Diagnostic(
                        position, f"'{rid}' is not an indicator of '{fw}'{hint}", code="reference"
                    )
                )
    return found
