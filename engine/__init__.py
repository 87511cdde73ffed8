"""spm-audit: a rule-driven audit and rating engine for social performance management.

Public API: load rule sets and evidence, run an audit, and get a typed result.
"""

from engine.errors import AuditError, Diagnostic, ExitCode, InvalidInputError, Position
from engine.model import AuditResult, Status
from engine.pipeline import assess, run_audit
from engine.validate import load_evidence, load_rule_set

__all__ = [
    "AuditError",
    "AuditResult",
    "Diagnostic",
    "ExitCode",
    "InvalidInputError",
    "Position",
    "Status",
    "assess",
    "load_evidence",
    "load_rule_set",
    "run_audit",
]
