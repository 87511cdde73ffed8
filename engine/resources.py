"""Where the bundled rule sets, schemas, report templates and examples live.

In a wheel they sit inside the package (``engine/_data``); in a source checkout, beside it.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_data"
_ROOT = _INSTALLED if (_INSTALLED / "schemas").is_dir() else _PACKAGE.parent

RULES_DIR = _ROOT / "rules"
SCHEMAS_DIR = _ROOT / "schemas"
TEMPLATES_DIR = _ROOT / "report_templates"
EXAMPLES_DIR = _ROOT / "examples"
