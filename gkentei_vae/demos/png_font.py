"""The font the demo PNGs are labelled with: a CJK font found on the system, checked by glyphs.

The app is Japanese, so are the PNG labels. No font is bundled (a CJK subset would add
megabytes to the wheel); the PNG writer looks for an installed one instead:
:data:`CANDIDATES` (Debian/Ubuntu ``fonts-noto-cjk``, other Linux layouts, macOS,
Windows), then any ``*CJK*`` / ``*Gothic*`` file under the system font folders. A font is
used for a label only if its character map has a glyph for every character of that
label (``fontTools``), so no label is drawn with missing-glyph boxes.

Fallback, stated: with no such font, labels are drawn with Pillow's built-in font,
which has no Japanese glyphs, and :func:`missing_note` says so (``demo --png`` prints
it). Install ``fonts-noto-cjk`` (``.ci/run`` does) to get Japanese labels.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

SIZE = 13
"""Label font size in pixels."""
CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:/Windows/Fonts/meiryo.ttc",
    "C:/Windows/Fonts/msgothic.ttc",
)
"""Known places of a Japanese font, in order of preference."""
FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts")
"""Searched for ``*CJK*`` / ``*Gothic*`` files when no candidate exists."""
FONT_TYPES = (".ttc", ".otf", ".ttf")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def _font_files() -> list[Path]:
    found = [Path(p) for p in CANDIDATES if Path(p).is_file()]
    for folder in map(Path, FOLDERS):
        if folder.is_dir():
            for pattern in ("*CJK*", "*Gothic*", "*gothic*"):
                found += sorted(p for p in folder.rglob(pattern) if p.suffix.lower() in FONT_TYPES)
    return list(dict.fromkeys(found))


@functools.cache
def _codepoints(path: Path) -> frozenset[int]:
    """The characters the file's first font has glyphs for (empty if unreadable)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), fontNumber=0, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # an unreadable font is one we do not use
        return frozenset()
    return frozenset(cmap)


def covers(path: Path, text: str) -> bool:
    """Whether the font at ``path`` has a glyph for every character of ``text``."""
    needed = {ord(c) for c in text if not c.isspace()}
    return needed <= _codepoints(path)


@functools.cache
def _truetype(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=0)


def font_path_for(text: str) -> Path | None:
    """The first font file that covers ``text``; None if there is none."""
    return next((p for p in _font_files() if covers(p, text)), None)


_UNCOVERED: set[str] = set()
_DRAWN: list[str] = []


def font_for(text: str, size: int = SIZE) -> Font:
    """A font that draws every character of ``text``, else Pillow's built-in font."""
    _DRAWN.append(text)
    path = font_path_for(text)
    if path is None:
        _UNCOVERED.add(text)
        return ImageFont.load_default()
    return _truetype(path, size)


def labels_drawn() -> list[str]:
    """Every label text a font was asked for in this process, in order (tests read it)."""
    return list(_DRAWN)


def forget() -> None:
    """Forget the labels drawn so far (a test starts from none)."""
    _DRAWN.clear()
    _UNCOVERED.clear()


def missing_note() -> str | None:
    """A warning (Japanese) if some label drawn so far had no font covering it, else None."""
    if not _UNCOVERED:
        return None
    return (
        "日本語のフォントが見つからないため、PNG のラベルの日本語は表示されません"
        " (fonts-noto-cjk などをインストールしてください)"
    )
