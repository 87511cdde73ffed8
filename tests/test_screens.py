"""The HTML report on screens: laid out by a real browser at a phone's and a desktop's width.

No sideways scrolling of the page itself (wide tables scroll inside their own box), unique ids,
a viewport, and screenshots that are not blank (they are written to the test's folder for a
person to look at: `pytest tests/test_screens.py --basetemp=/tmp/screens`).
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
from PIL import Image

from engine.pipeline import run_audit
from engine.render import renderer_for
from engine.resources import EXAMPLES_DIR

EXAMPLES = ["kombit-microfinance", "altiplano-credito-rapido"]


@pytest.fixture(scope="module", params=EXAMPLES)
def page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = run_audit(EXAMPLES_DIR / f"{request.param}.yaml", ["all"])
    path = tmp_path_factory.mktemp("screens") / f"{request.param}.html"
    path.write_bytes(renderer_for("html").render(result))
    return path


def test_ids_are_unique_and_a_viewport_is_set(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@pytest.mark.parametrize("width", [390, 1280])
def test_no_sideways_scrolling(browser, page: Path, width: int) -> None:
    content, window = browser.widths(page, width)
    assert content <= window, f"{page.name} at {width} px: {content} px of content in {window} px"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_screenshots_show_the_report(browser, page: Path, width: int, height: int) -> None:
    shot = page.with_name(f"{page.stem}-{width}.png")
    browser.screenshot(page, shot, width, height)
    image = Image.open(shot).convert("L")
    histogram = image.histogram()  # pixels per grey level, 0 (black) to 255 (white)
    dark = sum(histogram[:128])
    assert dark > image.width * image.height * 0.02  # text and the cover band, not a blank page
