"""The condition language: YAML conditions → compiled, three-valued closures with a trace.

Conditions are compiled once, at validation, against the evidence vocabulary (the `facts` part of
the evidence schema), so an unknown path, an operator used on the wrong type or an enum value that
does not exist is a diagnostic with a position. At run time a condition returns True, False, or
None when the evidence it needs is missing; ``all``/``any``/``not`` follow Kleene's tables. Every
trace entry has machine wording and plain words. Nothing from a rule file is ever passed to
``eval``, ``exec``, a template engine or a shell.

Modules: `types` (the evidence vocabulary as types), `operators` (the operator table),
`compiler` (dispatch and shared checks), `logic`, `compare` and `arithmetic` (the operators),
`words` (plain wording), `regex` (the nested-quantifier scanner), `vocabulary` (the schema, docs
and synonyms generated from the table).
"""

from engine.conditions.compare import MAX_REGEX_LENGTH
from engine.conditions.compiled import CompiledCondition, Expr
from engine.conditions.compiler import ConditionCompiler
from engine.conditions.operators import CONDITIONS, EXPRESSIONS, SYNONYMS, Operator, Shape
from engine.conditions.types import ANY, NUMBER, FieldType, all_paths, fact_types
from engine.conditions.values import format_value

# Names the module had before the table, derived from it.
OPERATORS = tuple(CONDITIONS)  # the condition operators
COMPARISONS = {
    n: op.trace["symbol"] for n, op in CONDITIONS.items() if op.shape is Shape.EXPRESSION
}
MEMBERSHIP = tuple(n for n, op in CONDITIONS.items() if "path" in op.keys and n not in COMPARISONS)

__all__ = [
    "ANY",
    "COMPARISONS",
    "CONDITIONS",
    "EXPRESSIONS",
    "MAX_REGEX_LENGTH",
    "MEMBERSHIP",
    "NUMBER",
    "OPERATORS",
    "SYNONYMS",
    "CompiledCondition",
    "ConditionCompiler",
    "Expr",
    "FieldType",
    "Operator",
    "all_paths",
    "fact_types",
    "format_value",
]
