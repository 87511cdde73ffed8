"""A real headless browser for tests: Debian's chromium, loading local files only.

`dump_dom(path)` returns the document as chromium built it (after parsing, with the DOM the
browser sees); `check_links(pages)` follows every internal link and anchor of a set of pages.
`make system-deps` installs chromium; the `browser` fixture (conftest.py) fails with the package
name when it is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM_NAMES = ("chromium", "chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_chromium() -> str | None:
    """The chromium executable, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """Loads local pages in headless chromium and returns their DOM."""

    def __init__(self, executable: str) -> None:
        self.executable = executable

    def dump_dom(self, page: Path, timeout: float = 60) -> str:
        """The serialised DOM of a local page, as chromium built it."""
        with tempfile.TemporaryDirectory(prefix="spm-chromium-") as profile:
            done = subprocess.run(
                [
                    self.executable,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    "--dump-dom",
                    page.resolve().as_uri(),
                ],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        if done.returncode != 0 or "<html" not in done.stdout:
            raise RuntimeError(
                f"chromium failed on {page} (exit {done.returncode}): {done.stderr[-2000:]}"
            )
        return done.stdout

    def screenshot(
        self, page: Path, out: Path, width: int, height: int, timeout: float = 60
    ) -> None:
        """A PNG of a local page at a window size."""
        with tempfile.TemporaryDirectory(prefix="spm-chromium-") as profile:
            subprocess.run(
                [
                    self.executable,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    f"--window-size={width},{height}",
                    f"--screenshot={out}",
                    page.resolve().as_uri(),
                ],
                capture_output=True,
                timeout=timeout,
                check=True,
            )

    def widths(self, page: Path, width: int, timeout: float = 60) -> tuple[int, int]:
        """(content width, window width) of a page laid out at `width`: more content than
        window means the reader must scroll sideways.

        A copy of the page gets a probe script (the reports have none of their own).
        """
        probe = (
            "<script>window.addEventListener('load', () => document.body.setAttribute("
            "'data-widths', document.documentElement.scrollWidth + 'x' + window.innerWidth))"
            "</script>"
        )
        with tempfile.TemporaryDirectory(prefix="spm-probe-") as folder:
            copy = Path(folder) / page.name
            copy.write_text(page.read_text(encoding="utf-8").replace("</body>", probe + "</body>"))
            with tempfile.TemporaryDirectory(prefix="spm-chromium-") as profile:
                done = subprocess.run(
                    [
                        self.executable,
                        *FLAGS,
                        f"--user-data-dir={profile}",
                        f"--window-size={width},900",
                        "--dump-dom",
                        copy.as_uri(),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    check=True,
                )
        found = re.search(r'data-widths="(\d+)x(\d+)"', done.stdout)
        if found is None:
            raise RuntimeError(f"the probe did not run on {page}: {done.stderr[-1000:]}")
        return int(found.group(1)), int(found.group(2))


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.ids.add(str(values["name"]))
        if tag == "a" and values.get("href") is not None:
            self.links.append(str(values["href"]))
        for key in ("src", "srcset"):
            if values.get(key):
                self.resources.append(str(values[key]))
        if tag == "link" and values.get("href"):
            self.resources.append(str(values["href"]))


def parse_dom(dom: str) -> _Anchors:
    """The ids, links and external resources of a DOM."""
    parser = _Anchors()
    parser.feed(dom)
    return parser


def load_all(browser: Browser, pages: list[Path], workers: int = 2) -> dict[Path, str]:
    """Every page's DOM as chromium built it (a few chromiums at a time)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        doms = list(pool.map(browser.dump_dom, pages))
    return {page.resolve(): dom for page, dom in zip(pages, doms, strict=True)}


def check_links(root: Path, doms: dict[Path, str]) -> list[str]:
    """The broken internal links and anchors, and any external link or resource, of a set of pages."""
    parsed = {page.resolve(): parse_dom(dom) for page, dom in doms.items()}
    broken: list[str] = []
    for page, anchors in parsed.items():
        shown = page.relative_to(root.resolve())
        broken.extend(f"{shown}: loads a resource: {resource}" for resource in anchors.resources)
        for href in anchors.links:
            parts = urlsplit(href)
            if parts.scheme and parts.scheme != "file":
                broken.append(f"{shown}: external link {href}")
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target not in parsed:
                broken.append(f"{shown}: link to a page not generated: {href}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and fragment not in parsed[target].ids:
                broken.append(f"{shown}: no anchor '{fragment}' for {href}")
    return broken
