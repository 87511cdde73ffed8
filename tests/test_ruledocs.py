"""`rules docs`: the HTML reference in a real browser (links, anchors), Markdown, escaping, errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from browser import check_links, load_all
from ruleedit import edit_indicator
from typer.testing import CliRunner

from cli import app
from engine.errors import ExitCode
from engine.resources import EXAMPLES_DIR
from engine.rulesets import bundled_profiles, load_named

runner = CliRunner()
RMA = EXAMPLES_DIR / "rulesets" / "rma_code"


def _docs(out: Path, *names: str, fmt: str = "html") -> list[Path]:
    result = runner.invoke(app, ["rules", "docs", *names, "-o", str(out), "--format", fmt])
    assert result.exit_code == ExitCode.OK, result.output
    suffix = ".html" if fmt == "html" else ".md"
    return sorted(out.rglob(f"*{suffix}"))


def test_every_page_link_and_anchor_resolves_in_chromium(tmp_path: Path, browser) -> None:
    """The third-party rule set with the Universal Standards it maps to, loaded page by page."""
    pages = _docs(tmp_path, "universal-standards", str(RMA))
    assert len(pages) == 1 + (1 + 7) + (1 + 2)
    doms = load_all(browser, pages)
    assert check_links(tmp_path, doms) == []
    for name in ("universal-standards", "rma-code"):
        rule_set = load_named(name if name != "rma-code" else str(RMA))
        ids = " ".join(doms[p.resolve()] for p in pages if f"/{name}/" in str(p))
        for indicator in rule_set.indicators():
            assert f'id="{indicator.id}"' in ids, indicator.id
    # a mapping to a rule set documented in the same run is a link to the indicator's anchor
    rma_a = doms[(tmp_path / "rma-code" / "node-A.html").resolve()]
    assert 'href="../universal-standards/node-4.html#4.A.1.1"' in rma_a
    # conditions in words, the gate and the changelog are on the pages
    assert "policies.credit.max_debt_service_ratio ≤ 0.4 (debt_service_cap)" in rma_a
    index = doms[(tmp_path / "rma-code" / "index.html").resolve()]
    assert "every commitment at 75 % or more; no critical indicator fails" in index
    assert "renamed: A.2.9 → A.2.3" in index


def test_bundled_references_link_cleanly(tmp_path: Path) -> None:
    """Every bundled rule set and profile, checked without a browser (the same link checker)."""
    names = ["universal-standards", "smart-campaign", "spi", *bundled_profiles(), str(RMA)]
    pages = _docs(tmp_path, *names)
    assert check_links(tmp_path, {p.resolve(): p.read_text() for p in pages}) == []


def test_markdown_links_and_anchors(tmp_path: Path) -> None:
    pages = _docs(tmp_path, "spi", str(RMA), fmt="markdown")
    texts = {p.resolve(): p.read_text() for p in pages}
    for page, text in texts.items():
        for href in re.findall(r"\]\(([^)]+)\)", text):
            path, _, fragment = href.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target in texts, (page, href)
            if fragment:
                assert f'<a id="{fragment}"></a>' in texts[target], (page, href)
    node = (tmp_path / "rma-code" / "node-A.md").read_text()
    assert (
        "###### A.1.1 Every loan rests on an analysis of the client's repayment capacity (critical)"
        in node
    )
    assert "- **Met when:** `policies.credit.repayment_capacity_analysis = true`" in node


def test_rule_texts_are_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "rma"
    shutil.copytree(RMA, folder)
    edit_indicator(
        folder, "A.1.1", key="title", value='"<script>alert(1)</script> *bold* [x](http://e.org)"'
    )
    html = _docs(tmp_path / "html", str(folder))
    node = next(p for p in html if p.name == "node-A.html").read_text()
    assert "<script>" not in node
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in node
    md = _docs(tmp_path / "md", str(folder), fmt="markdown")
    text = next(p for p in md if p.name == "node-A.md").read_text()
    assert "\\<script\\>alert(1)\\</script\\> \\*bold\\* \\[x\\](http://e.org)" in text


def test_errors_exit_2_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    unknown = runner.invoke(app, ["rules", "docs", "no-such-set", "-o", str(out)])
    assert unknown.exit_code == ExitCode.INVALID_INPUT
    assert "unknown framework or profile 'no-such-set'" in unknown.stderr
    folder = tmp_path / "rma"
    shutil.copytree(RMA, folder)
    edit_indicator(folder, "A.1.1", key="pathway", value="somewhere")
    broken = runner.invoke(app, ["rules", "docs", str(folder), "-o", str(out)])
    assert broken.exit_code == ExitCode.INVALID_INPUT
    assert re.search(r"a_clients\.yaml:\d+:\d+: error: \"somewhere\" is not one of", broken.stderr)
    assert not out.exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    not_a_folder = runner.invoke(app, ["rules", "docs", "spi", "-o", str(a_file)])
    assert not_a_folder.exit_code == ExitCode.INVALID_INPUT
    assert "output path is not a folder" in not_a_folder.stderr


def test_the_link_checker_finds_what_is_broken(tmp_path: Path) -> None:
    a, b = (tmp_path / "a.html").resolve(), (tmp_path / "b.html").resolve()
    doms = {
        a: '<html><a id="x" href="b.html#y">1</a><a href="#x">2</a><a href="#z">3</a>'
        '<a href="c.html">4</a><a href="https://e.org/">5</a><img src="p.png"></html>',
        b: '<html><p id="w"></p></html>',
    }
    assert check_links(tmp_path, doms) == [
        "a.html: loads a resource: p.png",
        "a.html: no anchor 'y' for b.html#y",
        "a.html: no anchor 'z' for #z",
        "a.html: link to a page not generated: c.html",
        "a.html: external link https://e.org/",
    ]
