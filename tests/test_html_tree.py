"""The report's HTML read by `html_tree` into the tree tinyhtml5 (WeasyPrint's parser) gives."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import tinyhtml5

from engine.api import Auditor
from engine.render import html_tree, pdf_layout
from engine.render.html_report import render_html
from engine.resources import EXAMPLES_DIR

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
# every example's full report; one example's summary editions and other languages
CASES = [(e.stem, "full", None) for e in EXAMPLES] + [
    ("kombit-microfinance", "institution", "fr"),
    ("kombit-microfinance", "public", "es"),
    ("altiplano-credito-rapido", "full", "es"),
]


def shape(element: ET.Element) -> tuple[object, ...]:
    """Everything WeasyPrint reads of a tree: tags, attributes, text and tails, in order."""
    return (
        element.tag,
        sorted(element.attrib.items()),
        element.text or "",
        element.tail or "",
        [shape(child) for child in element],
    )


def reference(text: str) -> ET.Element:
    return tinyhtml5.parse(text, namespace_html_elements=False)


@pytest.fixture(scope="module")
def auditor() -> Auditor:
    return Auditor(["all"])


@pytest.mark.parametrize(("example", "audience", "language"), CASES)
def test_the_report_reads_into_the_tree_tinyhtml5_gives(
    auditor: Auditor, example: str, audience: str, language: str | None
) -> None:
    text = render_html(
        auditor.assess(EXAMPLES_DIR / f"{example}.yaml"), audience=audience, language=language
    )
    tree = html_tree.parse(text)
    assert tree is not None, "the report holds markup html_tree leaves to tinyhtml5"
    assert shape(tree) == shape(reference(text))


DOCUMENT = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n</head>\n<body>\n{}\n</body>\n</html>\n'

# Markup read like tinyhtml5 reads it: a row's implied tbody, void elements, SVG's names, entities.
SAME = [
    "<p>a &amp; b&nbsp;c &lt;x&gt; &#34;q&#34;</p>",
    "<table><tr><td>1</td></tr><tr><td>2</td></tr></table> after",
    "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
    "<div>x<br>y<br/>z</div>",
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><title>t</title><rect x="1"/>'
    '<text x="1">a &amp; b</text></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9" preserveAspectRatio="none">'
    '<path d="M0,0 L9,9" stroke-width="1"/></svg>',
    '<ul><li class="a">1</li><li>2</li></ul>',
    '<p title="a &amp; b">x <b>y</b> <span class="s">z</span></p>',
    "<section><style>table.peers td { font-size: 8pt; } a > b {}</style><p>x</p></section>",
]

# Markup an HTML5 parser rebuilds (closing, moving or reopening elements): left to tinyhtml5.
OTHER = [
    "<p>a<div>b</div></p>",  # the div closes the p; </p> then opens an empty one
    "<p>a<p>b</p></p>",
    "<h2>a<h3>b</h3></h2>",
    "<li>a</li>",  # outside a list
    "<a>x<a>y</a></a>",
    "<table><td>1</td></table>",  # a cell outside a row
    "<table>text<tr><td>1</td></tr></table>",  # text moved out of the table
    "<table><div>x</div></table>",
    "<b><i>x</b></i>",  # misnested: the adoption agency
    "<div>x</br></div>",
    "<div/>x",
    "<!-- a comment -->",
    "<p>a\r\nb</p>",
    "<p>a\0b</p>",
    "<p a=1 a=2>x</p>",
    "<pre>\nx</pre>",
    "<img src=x>",
    '<svg><a xlink:href="x">y</a></svg>',
    "<svg><foreignObject>x</foreignObject></svg>",
]


@pytest.mark.parametrize("body", SAME)
def test_markup_it_reads_gives_tinyhtml5s_tree(body: str) -> None:
    text = DOCUMENT.format(body)
    tree = html_tree.parse(text)
    assert tree is not None
    assert shape(tree) == shape(reference(text))


@pytest.mark.parametrize("body", OTHER)
def test_markup_html5_rebuilds_is_left_to_tinyhtml5(body: str) -> None:
    assert html_tree.parse(DOCUMENT.format(body)) is None


@pytest.mark.parametrize(
    "text",
    ["<p>no html element</p>", "<html><body><p>no head</p></body></html>", "text<html></html>"],
)
def test_a_document_without_the_reports_frame_is_left_to_tinyhtml5(text: str) -> None:
    assert html_tree.parse(text) is None


def test_the_document_handed_to_weasyprint_is_the_one_it_would_build() -> None:
    weasyprint, fetcher_class = pdf_layout.weasyprint_module()
    fetcher = fetcher_class(allowed_protocols={"data"})
    text = DOCUMENT.format(SAME[1])
    ours = pdf_layout.html_document(text, fetcher)
    theirs = weasyprint.HTML(string=text, base_url=None, url_fetcher=fetcher)
    assert set(vars(ours)) == set(vars(theirs))  # a WeasyPrint that sets more fails here
    for name in ("base_url", "url_fetcher", "media_type"):
        assert getattr(ours, name) == getattr(theirs, name)
    assert shape(ours.etree_element) == shape(theirs.etree_element)
    assert ours.write_pdf() == theirs.write_pdf()
    fallback = pdf_layout.html_document(DOCUMENT.format(OTHER[0]), fetcher)
    assert shape(fallback.etree_element) == shape(reference(DOCUMENT.format(OTHER[0])))
