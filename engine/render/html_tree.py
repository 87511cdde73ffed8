"""The report's HTML as an element tree for WeasyPrint, read six times faster than by tinyhtml5.

WeasyPrint reads HTML with tinyhtml5, a complete HTML5 parser in pure Python: 0.18 s for the demo
report's 350 kB, on the critical path of every PDF. The report is not any HTML, though: our own
templates write it, every tag closed, evidence text escaped. `html.parser` (the standard
library's tokenizer) and a small tree builder read it in 0.03 s into the tree tinyhtml5 gives:
the same elements, attributes and text, tbody added where a row sits in a table, SVG elements in
the SVG namespace with their attribute names in SVG's case.

What the builder does not expect (an end tag that closes another element than the open one, a
tag it does not know the HTML5 rules of, a NUL or carriage return) stops it: `parse` then returns
None and the caller lets tinyhtml5 read the document. The tests hold the two trees equal for every
bundled example, edition and language.
"""

from __future__ import annotations

import functools
import html.parser
import xml.etree.ElementTree as ET

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
_VOID = frozenset({"meta", "br"})
# The elements the templates write, each a plain container under HTML5's rules as long as the
# nesting checks below hold (a row in a table gets its tbody; p, li and headings are closed
# explicitly; nothing needs foster parenting or the adoption agency).
_HEAD = frozenset({"title", "meta", "style"})
_TABLE_PARTS = {
    "table": {"thead", "tbody", "tr"},
    "thead": {"tr"},
    "tbody": {"tr"},
    "tr": {"th", "td"},
}
_BODY = frozenset(
    {
        *("section", "div", "span", "p", "h1", "h2", "h3", "h4", "h5", "h6", "b", "i", "em"),
        *("strong", "a", "br", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"),
        *("small", "sup", "sub", "code", "svg", "style"),  # style: the peers section's own
    }
)
_CLOSES_P = frozenset(
    {"div", "p", "ul", "ol", "li", "table", "section", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SVG = frozenset({"svg", "title", "desc", "text", "rect", "line", "path", "g", "circle"})


@functools.cache
def _svg_attribute_names() -> dict[str, str]:
    """SVG's attribute names in their case (viewBox, preserveAspectRatio), from tinyhtml5's table."""
    from tinyhtml5.constants import adjust_svg_attributes

    return {**adjust_svg_attributes, "xmlns": "{http://www.w3.org/2000/xmlns/}xmlns"}


class _Unexpected(Exception):
    """Markup the builder does not read the way an HTML5 parser would."""


class _Builder(html.parser.HTMLParser):
    """Tokens to an element tree, checking that HTML5 would have built the same one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("html")
        self.open: list[ET.Element] = []  # the open elements, html at the bottom
        self.last: ET.Element | None = None  # the element just closed: text goes to its tail
        self.in_svg = 0
        self.after_body = False

    def handle_decl(self, decl: str) -> None:
        if decl.lower() != "doctype html" or self.open:
            raise _Unexpected(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if len(values) != len(attrs) or self.after_body:
            raise _Unexpected(tag)  # HTML5 keeps the first of two equal names
        if tag == "svg" or self.in_svg:
            self._start_svg(tag, values)
            return
        self._check_html(tag)
        if tag == "html":
            self.root.attrib.update(values)
            self.open.append(self.root)
            return
        if tag == "tr" and self.open[-1].tag == "table":
            self._push("tbody", {"\0implied": ""})  # as HTML5 does; the mark goes at the end
        self._push(tag, values)
        if tag in _VOID:
            self._pop(tag)

    def _check_html(self, tag: str) -> None:
        parent = self.open[-1].tag if self.open else None
        tags = {element.tag for element in self.open}
        if tag == "html":
            ok = parent is None
        elif tag in ("head", "body"):
            ok = parent == "html" and [e.tag for e in self.root] == (
                [] if tag == "head" else ["head"]
            )
        elif parent == "head":
            ok = tag in _HEAD
        elif parent in _TABLE_PARTS:
            ok = tag in _TABLE_PARTS[parent]
        else:
            ok = tag in _BODY and "body" in tags and tag not in ("thead", "tbody", "tr", "th", "td")
            ok = ok and not (tag in _CLOSES_P and "p" in tags)  # HTML5 would close the p
            ok = ok and not (tag in _HEADINGS and tags & _HEADINGS)
            ok = ok and not (tag == "li" and parent not in ("ul", "ol"))
            ok = ok and not (tag == "a" and "a" in tags)
        if not ok:
            raise _Unexpected(tag)

    def _start_svg(self, tag: str, values: dict[str, str]) -> None:
        if tag not in _SVG or any(":" in name for name in values) or (tag == "svg") == self.in_svg:
            raise _Unexpected(tag)  # unknown SVG elements, xlink: attributes, nested svg
        if tag == "svg" and (
            "body" not in {e.tag for e in self.open} or self.open[-1].tag in _TABLE_PARTS
        ):
            raise _Unexpected(tag)
        self.in_svg += 1
        names = _svg_attribute_names()
        self._push(SVG_NAMESPACE + tag, {names.get(n, n): v for n, v in values.items()})

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.in_svg:  # `<rect/>` closes in SVG; `<br/>` is `<br>` in HTML
            self.handle_endtag(tag)
        elif tag not in _VOID:
            raise _Unexpected(tag)  # `<div/>` stays open in HTML5

    def handle_endtag(self, tag: str) -> None:
        if self.in_svg:
            self.in_svg -= 1
            self._pop(SVG_NAMESPACE + tag)
        elif tag in _VOID:
            raise _Unexpected(tag)  # `</br>` is a `<br>` in HTML5
        elif tag == "body":  # HTML5 keeps body open: whitespace after it goes at its end
            if self.open[-1].tag != "body" or self.after_body:
                raise _Unexpected(tag)
            self.after_body = True
            self.last = self.open[-1][-1] if len(self.open[-1]) else None
        elif tag == "html":
            if not self.after_body:
                raise _Unexpected(tag)
        else:
            if tag == "table" and "\0implied" in self.open[-1].attrib:
                self._pop("tbody")
            self._pop(tag)

    def handle_data(self, data: str) -> None:
        if "\0" in data or "\r" in data:
            raise _Unexpected("NUL or CR")  # HTML5 replaces or folds them
        blank = not data.strip(" \t\n\f")
        if not self.open or (self.open[-1] is self.root and self.last is None):
            if not blank:
                raise _Unexpected("text before <head>")
            return  # dropped, as in HTML5
        if not blank and (self.after_body or self.open[-1].tag in ("html", "head", *_TABLE_PARTS)):
            raise _Unexpected("text out of place")  # HTML5 would move it
        target = self.last if self.last is not None else self.open[-1]
        if self.last is not None:
            target.tail = (target.tail or "") + data
        else:
            target.text = (target.text or "") + data

    def handle_comment(self, data: str) -> None:
        raise _Unexpected("comment")

    def handle_pi(self, data: str) -> None:
        raise _Unexpected("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise _Unexpected(data)

    def _push(self, tag: str, attrib: dict[str, str]) -> None:
        self.open.append(ET.SubElement(self.open[-1], tag, attrib))
        self.last = None

    def _pop(self, tag: str) -> None:
        if len(self.open) < 2 or self.open[-1].tag != tag:
            raise _Unexpected(f"</{tag}>")  # HTML5 would close or reopen elements
        self.last = self.open.pop()


def parse(text: str) -> ET.Element | None:
    """The tree of a document our templates wrote, or None if it holds what `_Builder` leaves out.

    The tree is that of `tinyhtml5.parse(text, namespace_html_elements=False)`.
    """
    builder = _Builder()
    try:
        builder.feed(text)
        builder.close()
    except _Unexpected:
        return None
    if not builder.after_body or [e.tag for e in builder.open] != ["html", "body"]:
        return None
    for element in builder.root.iter("tbody"):
        element.attrib.pop("\0implied", None)
    return builder.root
