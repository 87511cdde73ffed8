"""Which characters of a report no installed font can draw, asked of fontconfig.

WeasyPrint finds fonts through fontconfig; a character no font covers comes out as an empty box
("tofu"), silently. A report naming an institution in a script the machine has no font for must
fail with the fix instead. fontconfig is read through `ctypes` (it is always there beside Pango);
where it cannot be loaded the check falls back to looking for font files and skips coverage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
)
BASE_HINT = "install fonts-dejavu-core (Debian/Ubuntu: apt-get install fonts-dejavu-core)"
_CJK = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC")
_LIBRARY_NAMES = ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll")


class _FontSet(ctypes.Structure):
    _fields_ = (
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    )


@dataclass(frozen=True)
class _Coverage:
    fonts: int  # how many fonts fontconfig lists
    library: ctypes.CDLL
    charset: int  # FcCharSet*: the union of every font's characters


@functools.cache
def _coverage() -> _Coverage | None:
    """What the installed fonts cover, or None when fontconfig cannot be loaded."""
    library = _load_fontconfig()
    if library is None:
        return None
    library.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    library.FcPatternCreate.restype = ctypes.c_void_p
    library.FcObjectSetCreate.restype = ctypes.c_void_p
    library.FcObjectSetAdd.argtypes = (ctypes.c_void_p, ctypes.c_char_p)
    library.FcFontList.restype = ctypes.POINTER(_FontSet)
    library.FcFontList.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
    library.FcPatternGetCharSet.argtypes = (
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_void_p),
    )
    library.FcCharSetCreate.restype = ctypes.c_void_p
    library.FcCharSetMerge.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
    library.FcCharSetHasChar.argtypes = (ctypes.c_void_p, ctypes.c_uint32)
    config = library.FcInitLoadConfigAndFonts()
    pattern = library.FcPatternCreate()
    objects = library.FcObjectSetCreate()  # not FcObjectSetBuild: variadic calls are ABI-specific
    library.FcObjectSetAdd(objects, b"charset")
    fonts = library.FcFontList(config, pattern, objects)
    union = library.FcCharSetCreate()
    count = fonts.contents.nfont if fonts else 0
    charset = ctypes.c_void_p()
    for index in range(count):
        font = fonts.contents.fonts[index]
        if library.FcPatternGetCharSet(font, b"charset", 0, ctypes.byref(charset)) == 0:
            library.FcCharSetMerge(union, charset, None)
    return _Coverage(count, library, union)


def _load_fontconfig() -> ctypes.CDLL | None:
    for name in _LIBRARY_NAMES:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    found = ctypes.util.find_library("fontconfig")  # slower: may ask ldconfig
    try:
        return ctypes.CDLL(found) if found else None
    except OSError:
        return None


def has_fonts() -> bool:
    """Whether any font is installed (asked of fontconfig, else looked for on disk)."""
    coverage = _coverage()
    if coverage is not None:
        return coverage.fonts > 0
    return any(folder.is_dir() and any(folder.rglob("*.[ot]tf")) for folder in FONT_DIRS)


def missing(characters: Iterable[str]) -> list[str]:
    """The characters, sorted, that no installed font covers (empty when it cannot tell)."""
    coverage = _coverage()
    if coverage is None:
        return []
    wanted = {c for c in characters if ord(c) > 0x7E and unicodedata.category(c)[0] != "C"}
    return sorted(
        c for c in wanted if not coverage.library.FcCharSetHasChar(coverage.charset, ord(c))
    )


def hint(characters: Iterable[str]) -> str:
    """Which font package to install for these characters."""
    names = [unicodedata.name(c, "") for c in characters]
    packages = ["fonts-noto-cjk" if n.startswith(_CJK) else "fonts-noto-core" for n in names]
    wanted = sorted(set(packages))
    return (
        "install "
        + " and ".join(wanted)
        + " (Debian/Ubuntu: apt-get install "
        + " ".join(wanted)
        + ")"
    )


def describe(character: str) -> str:
    """'中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D)."""
    name = unicodedata.name(character, "unnamed")
    return f"'{character}' (U+{ord(character):04X} {name})"


# One letter of each script an institution's name is likely to be written in.
SCRIPT_SAMPLES = {
    "Latin": "é",
    "Greek": "λ",
    "Cyrillic": "Ж",
    "Armenian": "Ա",
    "Georgian": "ა",
    "Arabic": "ع",
    "Hebrew": "א",
    "Ethiopic": "ሀ",
    "Tifinagh": "ⵣ",
    "Devanagari": "ह",
    "Bengali": "ক",
    "Tamil": "த",
    "Sinhala": "ක",
    "Thai": "ก",
    "Lao": "ກ",
    "Khmer": "ក",
    "Myanmar": "က",
    "Chinese": "中",
    "Japanese kana": "あ",
    "Korean": "한",
}


def uncovered_scripts() -> list[str]:
    """The scripts of SCRIPT_SAMPLES that no installed font covers."""
    lost = set(missing(SCRIPT_SAMPLES.values()))
    return [script for script, sample in SCRIPT_SAMPLES.items() if sample in lost]
