"""`make bench`: the budgets of design §8, and our evaluator against durable-rules on the same rules.

Run from the project root with the project's virtual environment. Prints one table; exits 1 if a
budget is exceeded. Timings are wall-clock medians; treat them as ratios, machines are noisy.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine.evaluate import evaluate_rule_set  # noqa: E402
from engine.evidence import load_evidence  # noqa: E402
from engine.load import load_file  # noqa: E402
from engine.model import EvidenceSet  # noqa: E402
from engine.rulesets import bundled_frameworks, load_rule_set, load_rule_sets  # noqa: E402
from engine.score import score_rule_set  # noqa: E402

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SCALE = 10  # the rule sets at SCALE x the bundled indicators (bench/scaled.py)
SPM_AUDIT = str(Path(sys.executable).parent / "spm-audit")
BUDGETS = {  # on a 2-core machine: design §8, tightened by issue 17 where users wait
    "load + validate all bundled rule sets": 0.300,
    "evaluate + score all frameworks, one evidence file": 0.010,  # design §8: 20 ms
    "spm-audit assess --format json, whole process": 0.35,  # design §8: 1 s
    "full PDF report (all frameworks), whole process": 4.0,  # design §8: 5 s
    "full PDF report, another example": 5.0,  # issue 10: every bundled example, weak ones too
    "spm-audit batch, per evidence file (all frameworks)": 0.120,  # issue 17
    f"assess --format json, rule sets at {SCALE}x the bundled size": 2.0,  # issue 17
    "spm-audit batch, 1,000 generated files (JSON + portfolio table)": 60.0,  # issue 12
}
BATCH_FILES = 1000  # generated evidence files (bench/evidence_generator.py)
SCALING_FILES = 100  # the first of them, for the scaling check
RATIO_BUDGET = 20.0
SHARD = 20  # rules per durable-rules ruleset
GI_FACTS = ("green_index", "green_index_respondents")


def median_time(action: Callable[[], object], repeat: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def scaled_time(copies: int) -> tuple[float, float, int]:
    """`assess --format json` against `copies` renamed copies of every bundled framework.

    The first (cold: nothing cached) and the median of three warm runs, and the indicators.
    """
    from scaled import write_scaled

    with tempfile.TemporaryDirectory() as tmp:
        folders, evidence = write_scaled(
            Path(tmp), copies, ROOT / "examples" / "kombit-microfinance.yaml"
        )
        command = [
            SPM_AUDIT,
            "assess",
            str(evidence),
            "--format",
            "json",
            "-o",
            str(Path(tmp) / "r.json"),
        ]
        for folder in folders:
            command += ["--rules", str(folder)]
        cache = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}  # empty at first
        cold, _ = process_time(command, 1, cache)
        warm, _ = process_time(command, 3, cache)
        indicators = len(json.loads((Path(tmp) / "r.json").read_text())["frameworks"])
    return cold, warm, indicators


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def process_time(
    args: list[str], repeat: int, env: Mapping[str, str] | None = None
) -> tuple[float, float]:
    """Median wall time of a whole process, and the peak RSS (MB) of the children."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT, env=env)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times), peak


_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[2:], check=True); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "open(sys.argv[1], 'w').write(f'{u.ru_maxrss} {u.ru_utime + u.ru_stime}')"
)


def batch_time(folder: Path, count: int) -> tuple[float, float, float, int]:
    """Whole-process `spm-audit batch -f all --no-summary` over a folder of `count` new files.

    Wall seconds, CPU seconds (every process of the batch), peak RSS (MB) of its largest process,
    workers.
    """
    from engine.batch import default_jobs

    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out")
        # A cache of its own, holding the rule sets (warmed by one assessment) but none of the
        # files: a first screening of new evidence, whose schema check no earlier run saves (the
        # generated files repeat from run to run, so the user's cache would know them).
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        warm = [SPM_AUDIT, "assess", str(EXAMPLES[0]), "-f", "all", "--format", "json"]
        subprocess.run(warm, check=True, capture_output=True, cwd=ROOT, env=env)
        # through a parent of its own, so that the peak is this batch's largest process, not the
        # largest child this benchmark ever ran (a PDF run)
        report = Path(tmp) / "peak"
        command = [SPM_AUDIT, "batch", str(folder), "-o", out, "-f", "all", "--no-summary"]
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", _PEAK, str(report), *command],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env=env,
        )
        seconds = time.perf_counter() - start
        peak, cpu = report.read_text().split()
        written = len(list(Path(out).glob("*.json")))
        assert written == count, f"batch wrote {written} records of {count}"
        assert (Path(out) / "portfolio.xlsx").exists()
    return seconds, float(cpu), int(peak) / 1024, default_jobs()


def _items(files: list[Path]) -> list[Any]:
    """The batch items of the files (assessed in a pool, no record written)."""
    import multiprocessing

    from engine.batch import default_jobs

    with multiprocessing.get_context("fork").Pool(default_jobs()) as pool:
        return pool.map(_item, files, chunksize=16)


_AUDITOR: list[Any] = []


def _item(path: Path) -> Any:
    from engine.batch import assessed_item

    return assessed_item(path, _AUDITOR[0].assess(path), None)


def summary_time(files: list[Path]) -> tuple[float, float, int, int]:
    """Seconds (CPU) of the portfolio summary of these files: HTML, then PDF; pages, PDF bytes."""
    from engine.api import Auditor
    from engine.portfolio_report import portfolio_html, portfolio_pdf
    from engine.portfolio_summary import summarise

    _AUDITOR[:] = [Auditor(["all"])]
    items = _items(files)
    start = time.process_time()
    summary = summarise(items, _AUDITOR[0].rule_sets)
    html = portfolio_html(summary)
    html_seconds = time.process_time() - start
    pdf = portfolio_pdf(summary, html)
    pdf_seconds = time.process_time() - start
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "portfolio.pdf"
        path.write_bytes(pdf)
        pages = _pages(path)
    return html_seconds, pdf_seconds, pages, len(pdf)


# -- durable-rules comparison ------------------------------------------------------------------

_DR_OPS = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


def to_durable(cond: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any] | None:
    """Our condition as a durable-rules expression, or None where durable-rules has no equivalent.

    Kept out: not (durable's negation gives order-dependent results and segfaults), quantifiers,
    arithmetic, membership in lists, regular expressions: the subset is what both engines can run.
    """
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        parts = [to_durable(c, params) for c in cond[key]]
        if any(p is None for p in parts):
            return None
        return {"$and" if key == "all" else "$or": parts}
    if "exists" in cond and not str(cond["exists"]).startswith("@"):
        return {"$ex": {cond["exists"]: 1}}
    if "path" not in cond or str(cond["path"]).startswith("@"):
        return None
    for op in ("eq", *_DR_OPS):
        if op in cond:
            value = cond[op]
            if isinstance(value, dict):
                if "param" not in value:
                    return None
                value = params[value["param"]]
            if isinstance(value, bool) and op != "eq":
                return None
            return {cond["path"]: value} if op == "eq" else {_DR_OPS[op]: {cond["path"]: value}}
    return None


def raw_checks(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    header = load_file(folder / "ruleset.yaml").document.data
    assert isinstance(header, dict)
    found = []

    def walk(node: dict[str, Any]) -> None:
        found.extend(
            (ind["id"], ind["check"]) for ind in node.get("indicators", []) if "check" in ind
        )
        for child in node.get("children", []):
            walk(child)

    for part in header["parts"]:
        data = load_file(folder / part).document.data
        assert isinstance(data, dict)
        for node in data["nodes"]:
            walk(node)
    return found


def scalar_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts without lists (durable-rules facts hold at most 255 properties, no lists here)."""
    return {
        k: scalar_facts(v) if isinstance(v, dict) else v
        for k, v in facts.items()
        if not isinstance(v, list)
    }


def compare_with_durable_rules(evidence_path: Path) -> dict[str, Any]:
    try:
        import durable_rules_engine as dre
    except ImportError:
        return {"skipped": "durable-rules is not installed (make bench installs the [bench] extra)"}
    from engine.conditions import ConditionCompiler
    from engine.evidence import evidence_fact_types

    evidence = load_evidence(evidence_path)
    # The Green Index answers (some 300 form fields) are left out: a durable-rules fact holds at
    # most 255 properties, and more crash it (a segfault). So are the checks that read them.
    facts = {
        "id": "facts-1",
        "kind": "facts",
        **scalar_facts({k: v for k, v in evidence.facts.items() if k not in GI_FACTS}),
    }
    rules: dict[str, Any] = {}
    ours = []
    for name_, folder in bundled_frameworks().items():
        if name_ == "green-index":
            continue
        rule_set = load_rule_set(folder)
        params = {p.name: p.value for p in rule_set.parameters.values()}
        for rule_id, raw in raw_checks(folder):
            translated = to_durable(raw, params)
            if translated is None:
                continue
            name = f"{rule_set.id}:{rule_id}"
            rules[name] = {"all": [{"m": {"$and": [{"kind": "facts"}, translated]}}]}
            doc = load_file(folder / "ruleset.yaml").document
            compiled = ConditionCompiler(
                evidence_fact_types(), rule_set.parameters, doc, []
            ).compile(raw, ())
            assert compiled is not None
            ours.append((name, compiled))
    # durable-rules fails with error 303 when more than 64 alpha nodes match one fact, so the rules
    # are split into shards and the fact is asserted into each (as reference/dependencies.md did).
    names = list(rules)
    handles = [
        dre.create_ruleset(f"bench{i}", json.dumps({n: rules[n] for n in names[i : i + SHARD]}))
        for i in range(0, len(names), SHARD)
    ]
    runs = [0]
    payload = json.dumps

    def durable() -> set[str]:
        runs[0] += 1
        sid = str(runs[0])
        fired: set[str] = set()
        for handle in handles:
            _, offset = dre.assert_facts(handle, payload([dict(facts, sid=sid)]))
            try:
                reply = dre.start_action_for_state(handle, offset)
                messages = reply[1] if reply else None
                while messages:
                    fired.update(json.loads(messages))
                    messages = dre.complete_and_start_action(handle, offset)
            finally:
                dre.delete_state(handle, sid)
        return fired

    def closures() -> set[str]:
        return {name for name, c in ours if c.evaluate(evidence.facts, None) is True}

    agree = durable() == closures()
    t_durable = median_time(durable, 50)
    t_ours = median_time(closures, 200)
    return {
        "rules": len(rules),
        "agree": agree,
        "durable": t_durable,
        "ours": t_ours,
        "ratio": t_durable / t_ours,
    }


# `machine_speed` on a quiet machine of this kind, pyenv's 3.11.7 (2026-12-04; 0.13 s on 2026-12-03)
QUIET_MACHINE = 0.09


def machine_speed() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast the machine is at this moment.

    The same code varies by a third within an hour on a shared 2-core machine; printed before and
    after the run, this says which kind of hour the timings come from (not used for any budget).
    """
    start = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return time.process_time() - start


def interpreter() -> str:
    """Which Python ran the bench: the same code runs at different speeds in different builds.

    A build with profile-guided optimisation (Debian's) runs it faster than one without (pyenv's
    default); the README's Performance section has the measurement.
    """
    built = platform.python_build()[1]
    return (
        f"Python {platform.python_version()} of {sys.base_prefix} (built {built}), in {sys.prefix}"
    )


def compile_bytecode() -> None:
    """Write the project's .pyc files, as installing it does, before timing whole processes.

    With PYTHONDONTWRITEBYTECODE set (some shells and CI images set it) an editable install would
    otherwise recompile every engine module in every process (~90 ms) that no installed user pays.
    """
    import compileall

    compileall.compile_dir(ROOT / "engine", quiet=1)
    compileall.compile_file(ROOT / "cli.py", quiet=1)


def main() -> int:
    rows: list[tuple[str, str, str]] = []
    compile_bytecode()
    speed_before = machine_speed()
    failed = False

    def row(name: str, seconds: float, note: str = "") -> None:
        nonlocal failed
        budget = BUDGETS.get(name)
        ok = budget is None or seconds <= budget
        failed |= not ok
        shown = f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
        limit = (
            ""
            if budget is None
            else (f"≤ {budget * 1000:.0f} ms" if budget < 1 else f"≤ {budget:.0f} s")
        )
        rows.append((name, shown, f"{limit} {'ok' if ok else 'OVER BUDGET'} {note}".strip()))

    folders = list(bundled_frameworks().values())
    row(
        "load + validate all bundled rule sets",
        median_time(lambda: load_rule_sets(folders), 5),
        f"{len(folders)} rule sets",
    )
    rule_sets = load_rule_sets(folders)
    indicators = sum(len(rs.indicators()) for rs in rule_sets)
    for example in EXAMPLES:
        evidence = load_evidence(example)

        def evaluate_and_score(evidence: EvidenceSet = evidence) -> None:
            for rs in rule_sets:
                score_rule_set(rs, evaluate_rule_set(rs, evidence), evidence.dates.assessed_on)

        seconds = median_time(evaluate_and_score, 30)
        row(
            "evaluate + score all frameworks, one evidence file",
            seconds,
            f"{example.stem}, {indicators} indicators",
        )
    demo = str(ROOT / "examples" / "kombit-microfinance.yaml")
    json_time, _ = process_time([SPM_AUDIT, "assess", demo, "-f", "all", "--format", "json"], 5)
    row("spm-audit assess --format json, whole process", json_time)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.pdf")
        pdf_time, peak = process_time([SPM_AUDIT, "assess", demo, "-f", "all", "-o", out], 5)
        pages = _pages(Path(out))
        row(
            "full PDF report (all frameworks), whole process",
            pdf_time,
            f"the demo ({Path(demo).stem}): peak RSS {peak:.0f} MB, {pages} pages",
        )
        one_time, _ = process_time(
            [SPM_AUDIT, "assess", demo, "-f", "universal-standards", "-o", out], 3
        )
        row(
            "PDF report, universal-standards only, whole process",
            one_time,
            f"{_pages(Path(out))} pages, no budget",
        )
        for example in EXAMPLES:
            if example.name == Path(demo).name:
                continue
            seconds, peak = process_time(
                [SPM_AUDIT, "assess", str(example), "-f", "all", "-o", out], 3
            )
            row(
                "full PDF report, another example",
                seconds,
                f"{example.stem}: peak RSS {peak:.0f} MB, {_pages(Path(out))} pages",
            )
    from evidence_generator import generate

    with tempfile.TemporaryDirectory() as tmp:
        every = generate(BATCH_FILES, Path(tmp) / "all")
        first = Path(tmp) / "first"
        first.mkdir()
        for path in every[:SCALING_FILES]:
            (first / path.name).symlink_to(path)
        timed, cpu_timed = {}, {}
        for count, folder in ((SCALING_FILES, first), (BATCH_FILES, Path(tmp) / "all")):
            seconds, cpu, peak, jobs = batch_time(folder, count)
            timed[count], cpu_timed[count] = seconds / count, cpu / count
            row(
                "spm-audit batch, per evidence file (all frameworks)",
                seconds / count,
                f"{count} generated files in {seconds:.1f} s ({cpu / count * 1000:.0f} ms CPU a "
                f"file), {jobs} workers, largest process {peak:.0f} MB RSS"
                + (", scaling check" if count == SCALING_FILES else ""),
            )
        row(
            "spm-audit batch, 1,000 generated files (JSON + portfolio table)",
            seconds,
            f"per file {timed[BATCH_FILES] / timed[SCALING_FILES]:.2f}x the time and "
            f"{cpu_timed[BATCH_FILES] / cpu_timed[SCALING_FILES]:.2f}x the CPU at "
            f"{SCALING_FILES} files (linear: 1)",
        )
        html_seconds, pdf_seconds, pages, size = summary_time(every)
        row(
            "portfolio summary of 1,000 institutions, HTML (CPU)",
            html_seconds,
            "no budget",
        )
        row(
            "portfolio summary of 1,000 institutions, HTML + PDF (CPU)",
            pdf_seconds,
            f"{pages} pages, {size / 1024:.0f} KiB, no budget",
        )
    cold, warm, scaled_sets = scaled_time(SCALE)
    row(
        f"assess --format json, rule sets at {SCALE}x the bundled size",
        warm,
        f"{scaled_sets} rule sets, {SCALE * indicators} indicators; the first run "
        f"(nothing cached) {cold:.2f} s",
    )
    comparison = compare_with_durable_rules(ROOT / "examples" / "kombit-microfinance.yaml")
    print(
        f"machine speed: a fixed loop took {speed_before:.2f} s before the run and "
        f"{machine_speed():.2f} s after ({QUIET_MACHINE:.2f} s on a quiet machine of this kind)"
    )
    print(f"interpreter: {interpreter()}")
    width = max(len(r[0]) for r in rows)
    for name, shown, note in rows:
        print(f"{name:<{width}}  {shown:>10}  {note}")
    if "skipped" in comparison:
        print(f"durable-rules comparison skipped: {comparison['skipped']}")
    else:
        ratio_ok = comparison["ratio"] >= RATIO_BUDGET and comparison["agree"]
        failed |= not ratio_ok
        print(
            f"same {comparison['rules']} conditions, one evidence file: "
            f"durable-rules {comparison['durable'] * 1000:.2f} ms, "
            f"ours {comparison['ours'] * 1000:.3f} ms, ours {comparison['ratio']:.0f}x faster "
            f"(budget ≥ {RATIO_BUDGET:.0f}x), results agree: {comparison['agree']}  {'ok' if ratio_ok else 'FAILED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
