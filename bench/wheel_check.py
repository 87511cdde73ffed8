"""`make wheel-check`: a wheel built from pyproject.toml works outside the source tree.

Builds the wheel, installs it into a new virtual environment in a temporary folder, and from there
runs `spm-audit rules list`, `spm-audit demo` and `spm-audit rules lint`: the rule sets, schemas,
templates and examples must all come from inside the wheel.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], cwd: Path) -> str:
    print("$", " ".join(args), flush=True)
    done = subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout + done.stderr


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(ROOT)],
            cwd=work,
        )
        wheel = next((work / "dist").glob("spm_audit-*.whl"))
        venv.create(work / "venv", with_pip=True)
        pip, exe = work / "venv/bin/pip", str(work / "venv/bin/spm-audit")
        run([str(pip), "install", "--quiet", str(wheel)], cwd=work)
        elsewhere = work / "elsewhere"
        elsewhere.mkdir()
        listed = run([exe, "rules", "list"], cwd=elsewhere)
        assert "universal-standards" in listed, listed
        run([exe, "demo", "-o", "demo.pdf"], cwd=elsewhere)
        pdf = (elsewhere / "demo.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-"), "demo did not write a PDF"
        run([exe, "rules", "lint"], cwd=elsewhere)
        print(
            f"ok: {wheel.name} ({wheel.stat().st_size // 1024} KiB) installed in a clean venv; "
            f"demo wrote {len(pdf) // 1024} KiB of PDF outside the source tree"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
