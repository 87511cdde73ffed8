"""The library entry: rule sets loaded once, any number of evidence files assessed against them.

    from engine import Auditor

    auditor = Auditor(["universal-standards", "smart-campaign"])
    for path in paths:
        result = auditor.assess(path)               # the typed AuditResult
        json_bytes = auditor.render(result, "json")  # or "csv", "html", "pdf"

Loading and validating the rule sets is most of a single `assess` run; an `Auditor` pays it once.
The results are those `run_audit` gives for the same files and frameworks, to the byte once
rendered. An `Auditor` holds frozen rule sets only, so it may be shared by threads and inherited by
forked worker processes (`spm-audit batch` does).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from engine.evidence import read_evidence
from engine.model import AuditResult, RuleSet
from engine.pipeline import audit_read
from engine.rulesets import check_names, load_rule_sets

DEFAULT_FRAMEWORKS = ("universal-standards",)


class Auditor:
    """Assesses evidence files against rule sets loaded once.

    Args:
        frameworks: framework or profile ids, rule set folders or profile files; `all` means every
            bundled framework; empty means universal-standards (as `spm-audit assess -f`).

    Raises:
        UsageError: an unknown framework was asked for.
        InvalidInputError: a rule set or profile is invalid; carries every diagnostic.
    """

    def __init__(self, frameworks: Sequence[str | Path] = ()) -> None:
        self.names = tuple(check_names([str(f) for f in frameworks] or DEFAULT_FRAMEWORKS))
        self.rule_sets: tuple[RuleSet, ...] = tuple(load_rule_sets(self.names))
        # bundled frameworks whose answers an evidence file also holds (they reach the assessed
        # indicators through mappings): loaded the first time a file needs them, then kept
        self._context: dict[str, RuleSet] = {}

    def assess(self, evidence: Path | str) -> AuditResult:
        """Assess one evidence file (YAML or JSON) and return the typed result.

        Raises:
            InvalidInputError: the evidence is invalid; carries every diagnostic.
        """
        return audit_read(read_evidence(Path(evidence)), self.rule_sets, self._context_for)

    def render(
        self,
        result: AuditResult,
        fmt: str = "json",
        *,
        audience: str = "full",
        csv_dialect: str = "excel",
    ) -> bytes:
        """A result as the bytes of one report format (json, csv, html, pdf), for an audience."""
        from engine.render import renderer_for  # on first use: `import engine` stays lean

        with contextlib.closing(renderer_for(fmt, audience, csv_dialect=csv_dialect)) as renderer:
            return renderer.render(result)

    def report(self, evidence: Path | str, fmt: str = "json", *, audience: str = "full") -> bytes:
        """Assess one evidence file and render it: `render(assess(evidence), fmt)`."""
        return self.render(self.assess(evidence), fmt, audience=audience)

    def _context_for(self, names: Sequence[str]) -> list[RuleSet]:
        missing = [n for n in names if n not in self._context]
        if missing:
            self._context.update(zip(missing, load_rule_sets(missing), strict=True))
        return [self._context[n] for n in names]
