"""spm-audit: a rule-driven audit and rating engine for social performance management.

Public API: load rule sets and evidence, run an audit, and get a typed result; `Auditor` keeps
loaded rule sets for many evidence files.
"""

import gc

from engine import codecache, collector

# first: the classes below take their dataclass methods' compiled code from the cache
codecache.install()

# NOTE: importing the engine builds some hundred classes and thousands of functions that live as
# long as the process: with the collector paused, and these frozen before it is back on, no
# collection walks them (about 11 ms of every start, issue 17), as for loaded rule sets.
with collector.paused():
    from engine.api import Auditor
    from engine.errors import AuditError, Diagnostic, ExitCode, InvalidInputError, Position
    from engine.evidence import load_evidence
    from engine.model import AuditResult, Status
    from engine.pipeline import assess, run_audit
    from engine.rulesets import load_named, load_rule_set

    gc.freeze()

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
