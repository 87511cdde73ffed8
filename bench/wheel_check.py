"""`make wheel-check`: the built wheel, installed as a user would install it, works from any folder.

Builds the wheel, installs it with `pipx install` into a throw-away pipx home (its own virtual
environment, as for a user), and from an empty folder elsewhere runs `spm-audit --version`,
`rules list`, `demo`, `rules lint`, `template`, `assess --format json` and `batch`; `python -m spm_audit`
and `import spm_audit` must work too. The rule sets, schemas, templates and examples must all come
from inside the wheel, and the wheel must put one package, `spm_audit`, into site-packages (no
generic top-level `engine` or `cli`).

Prints what it measured: wheel size, install time, installed size (spm-audit alone and with its
dependencies), `assess --format json` time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "kombit-microfinance.yaml"


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    print("$", " ".join(args), flush=True)
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(
            f"wheel-check: `{' '.join(args)}` exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done.stdout + done.stderr


def size_mib(path: Path) -> float:
    return (
        sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20
    )


def main() -> int:
    pipx = shutil.which("pipx", path=str(Path(sys.executable).parent)) or shutil.which("pipx")
    if pipx is None:
        sys.exit("wheel-check needs pipx (make dev installs it into .venv)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(ROOT)],
            cwd=work,
        )
        wheel = next((work / "dist").glob("spm_audit-*.whl"))
        env = {
            **os.environ,
            "PIPX_HOME": str(work / "pipx"),
            "PIPX_BIN_DIR": str(work / "bin"),
            "PIPX_MAN_DIR": str(work / "man"),
            "PIPX_DEFAULT_PYTHON": sys.executable
            if sys.prefix == sys.base_prefix
            else sys._base_executable,
        }
        started = time.perf_counter()
        run([pipx, "install", str(wheel)], cwd=work, env=env)
        install_s = time.perf_counter() - started
        exe = str(work / "bin" / "spm-audit")
        venv = work / "pipx" / "venvs" / "spm-audit"
        site = next(venv.glob("lib/python3*/site-packages"))
        generic = sorted(n for n in ("engine", "cli.py", "cli") if (site / n).exists())
        if generic:
            sys.exit(
                f"wheel-check: the wheel put generic top-level modules into site-packages: {generic}"
            )
        stray = [
            f"{path.relative_to(site)}:{n}"
            for path in (site / "spm_audit").rglob("*.py")
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.match(r"\s*(from|import)\s+engine\b", line) or re.search(r"[\"']engine\.", line)
        ]
        if stray:
            sys.exit(f"wheel-check: names of the source layout left in the wheel: {stray}")
        if not (site / "spm_audit" / "engine" / "_data" / "rules").is_dir():
            sys.exit("wheel-check: the bundled rule sets are not inside the installed package")

        elsewhere = work / "elsewhere"
        elsewhere.mkdir()
        version = run([exe, "--version"], cwd=elsewhere)
        listed = run([exe, "rules", "list"], cwd=elsewhere)
        assert "universal-standards" in listed, listed
        run([exe, "demo", "-o", "demo.pdf"], cwd=elsewhere)
        pdf = (elsewhere / "demo.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-"), "demo did not write a PDF"
        run([exe, "rules", "lint"], cwd=elsewhere)
        run([exe, "template", "-f", "smart-campaign", "-o", "evidence.yaml"], cwd=elsewhere)
        assert (elsewhere / ".spm-audit" / "evidence.schema.json").is_file(), (
            "template wrote no schema"
        )
        python = str(venv / "bin" / "python")
        assert "spm-audit" in run([python, "-m", "spm_audit", "--version"], cwd=elsewhere)
        run(
            [python, "-c", "import spm_audit; assert spm_audit.run_audit and spm_audit.Auditor"],
            cwd=elsewhere,
        )

        example = site / "spm_audit" / "engine" / "_data" / "examples" / EXAMPLE
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            run(
                [exe, "assess", str(example), "--format", "json", "-o", "result.json"],
                cwd=elsewhere,
            )
            timings.append(time.perf_counter() - started)
        # a forked pool pickles its work by module name: the package's, not the source layout's
        run([exe, "batch", str(example.parent), "-o", "screening", "--jobs", "2"], cwd=elsewhere)
        assert (elsewhere / "screening" / "portfolio.csv").is_file(), "batch wrote no portfolio"
        assert (elsewhere / "screening" / f"{example.stem}.json").is_file(), "batch wrote no record"
        print(
            f"ok: {version.strip()}: {wheel.name} {wheel.stat().st_size / 1024:.0f} KiB; "
            f"pipx install {install_s:.1f} s; installed {size_mib(site / 'spm_audit'):.1f} MiB "
            f"(with its dependencies {size_mib(site):.0f} MiB); demo PDF {len(pdf) // 1024} KiB "
            f"written outside the source tree; assess --format json {min(timings):.2f} s (best of 5)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
