"""spm-audit: a rule-driven audit and rating engine for social performance management.

Public API: load rule sets and evidence, run an audit, and get a typed result; `Auditor` keeps
loaded rule sets for many evidence files.
"""

from engine.api import Auditor
from engine.errors import AuditError, Diagnostic, ExitCode, InvalidInputError, Position
from engine.evidence import load_evidence
from engine.model import AuditResult, Status
from engine.pipeline import assess, run_audit
from engine.rulesets import load_named, load_rule_set

__all__ = [
    "AuditError",
    "AuditResult",
    "Auditor",
    "Diagnostic",
    "ExitCode",
    "InvalidInputError",
    "Position",
    "Status",
    "assess",
    "load_evidence",
    "load_named",
    "load_rule_set",
    "run_audit",
]
