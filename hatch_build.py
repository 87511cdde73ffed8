"""The wheel holds one package, `spm_audit`, built from the fixed top-level source layout.

The source tree keeps `engine/`, `cli.py`, `rules/`, `schemas/`, `report_templates/` and `examples/`
at its top (design §1). A wheel must not put modules as generic as `engine` and `cli` into
site-packages, so this build hook stages the package that goes into it:

    spm_audit/__init__.py       the public API, re-exported from spm_audit.engine
    spm_audit/__main__.py       `python -m spm_audit`
    spm_audit/cli.py            cli.py
    spm_audit/engine/           engine/ (imports of `engine` rewritten to `spm_audit.engine`)
    spm_audit/engine/_data/     rules, schemas, report_templates, examples (engine/resources.py)

Only import statements are rewritten (a line that starts with `from engine` or `import engine`);
`make wheel-check` installs the wheel in a clean environment and runs it from elsewhere, so a
missed import fails there. An editable install (`make dev`) runs the source tree itself: it gets a
small `spm_audit` package that forwards to the top-level modules, so the command and `import
spm_audit` behave the same in both.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_IMPORT = re.compile(r"^(\s*)(from|import)(\s+)engine(?=[\s.])", re.MULTILINE)
_DATA = ("rules", "schemas", "report_templates", "examples")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "_data")

_INIT = '''"""spm-audit: a rule-driven audit and rating engine for social performance management.

The public API is that of `{engine}` (see its docstring): load rule sets and evidence, run an
audit, and get a typed result.
"""

from {engine} import *  # noqa: F403
from {engine} import __all__ as __all__
'''

_MAIN = '''"""`python -m spm_audit`: the command line."""

from spm_audit.cli import main

main()
'''

_EDITABLE_CLI = '''"""The command line of the source tree (an editable install runs cli.py itself)."""

from cli import app as app
from cli import main as main
'''


def rewrite_imports(text: str) -> str:
    """`from engine.x import y` → `from spm_audit.engine.x import y`; nothing else is touched."""
    return _IMPORT.sub(r"\1\2\3spm_audit.engine", text)


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    """Stages the `spm_audit` package of the wheel (see the module docstring)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Stage the package and hand it to hatchling as one forced inclusion."""
        self._staging = Path(tempfile.mkdtemp(prefix="spm-audit-wheel-"))
        package = self._staging / "spm_audit"
        package.mkdir()
        root = Path(self.root)
        if version == "editable":
            (package / "__init__.py").write_text(_INIT.format(engine="engine"), encoding="utf-8")
            (package / "cli.py").write_text(_EDITABLE_CLI, encoding="utf-8")
        else:
            (package / "__init__.py").write_text(
                _INIT.format(engine="spm_audit.engine"), encoding="utf-8"
            )
            shutil.copytree(root / "engine", package / "engine", ignore=_SKIP)
            shutil.copy2(root / "cli.py", package / "cli.py")
            for source in [package / "cli.py", *(package / "engine").rglob("*.py")]:
                source.write_text(rewrite_imports(source.read_text(encoding="utf-8")), "utf-8")
            for name in _DATA:
                # symlinks=False: the examples' `.spm-audit` links to the schemas become copies
                shutil.copytree(root / name, package / "engine" / "_data" / name, ignore=_SKIP)
        (package / "__main__.py").write_text(_MAIN, encoding="utf-8")
        key = "force_include_editable" if version == "editable" else "force_include"
        build_data[key][str(package)] = "spm_audit"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the staging folder once the wheel is written."""
        shutil.rmtree(self._staging, ignore_errors=True)
