"""Line breaking for Japanese text with ASCII words, numbers and formulas in it.

One function decides where every learner-facing text breaks (docs/design.md §6.4):
the TUI's wrapping renderable (``tui/jawrap.py``) and the ``--help`` formatter
(``commands/common.py``) both call ``line_spans``.

A line ends at the last break that fits, taking the most preferred kind available:

1. PHRASE: between phrases, as BudouX (the segmenter Chrome uses for Japanese) finds
   them, and between two ASCII words outside a formula. BudouX is given the text without
   the spaces that touch Japanese characters (its model was trained on text written
   without them), so 「約 4 億組の」 and 「GAN の」 come back as one phrase;
2. SPACE: a space inside a phrase, after a Japanese character or inside a formula
   (「z = μ + σ⊙ε」, brackets); used to fill a line from a phrase wider than any line;
3. CHAR: between two characters, one of them Japanese, inside a phrase wider than the line;
4. GLUE: the space between an ASCII term and its particle or a number and its unit
   (「GAN の」「4 億組」), only when nothing above fits;
5. anywhere inside an ASCII word wider than the line.

A phrase is never broken if it fits on a line of its own: a line ends short instead and
the phrase starts the next one. Nothing inside an ASCII word (a run of characters that
are neither spaces nor wide) is a break of kinds 1–4, and no such break leaves a line
starting with a character of ``NO_START`` or ending with one of ``NO_END`` (禁則, after
W3C JLREQ). A break at a space drops the space; no other character is dropped or added.

Widths are terminal cells (Rich's ``cell_len``, as Textual counts them). BudouX is imported
on first use (about 5 ms) and each paragraph's analysis is cached, so re-wrapping on resize
costs only the line filling.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from rich.cells import cell_len

if TYPE_CHECKING:
    from budoux import Parser

PHRASE, SPACE, CHAR, GLUE, ANY = 0, 1, 2, 3, 4
"""Break levels, most preferred first (see the module docstring)."""

NO_START = frozenset(
    # JLREQ cl-02 closing brackets, cl-03 hyphens, cl-04 dividing punctuation, cl-05 middle
    # dots, cl-06 full stops, cl-07 commas, cl-08 inseparable characters, cl-09 iteration
    # marks, cl-10 prolonged sound mark, cl-11 small kana; then the ASCII and postfix
    # counterparts that also must not begin a line.
    "’”）〕］｝〉》」』】〙〗〟⦆»"
    "‐〜゠–～"
    "？！‼⁇⁈⁉"
    "・：；"
    "。．"
    "、，"
    "—…‥〳〴〵"
    "ヽヾゝゞ々〻"
    "ー"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｬｭｮｯｰ"
    ")]},.:;!?"
    "％‰℃°′″"
)
"""Characters no line may start with."""
NO_END = frozenset("‘“（〔［｛〈《「『【〘〖〝⦅«([{")
"""Characters no line may end with (JLREQ cl-01, opening brackets)."""


def is_wide(char: str) -> bool:
    """A Japanese (full-width) character: BudouX's business, never part of an ASCII word."""
    return unicodedata.east_asian_width(char) in ("W", "F")


@cache
def _parser() -> Parser:
    import budoux

    return budoux.load_default_japanese_parser()


@dataclass(frozen=True)
class Break:
    """A place where a line may end."""

    end: int
    """Where the line ends (exclusive)."""
    next: int
    """Where the next line starts: after the spaces the break drops."""
    level: int
    """PHRASE, SPACE, CHAR or GLUE: the rule that allows it."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (no newline) analysed once: its cell offsets and its breaks."""

    text: str
    """The paragraph."""
    cells: tuple[int, ...]
    """``cells[i]``: the width of ``text[:i]``."""
    breaks: tuple[Break, ...]
    """Every break of levels PHRASE to GLUE, in order of position."""

    def width(self, start: int, end: int) -> int:
        return self.cells[end] - self.cells[start]


def _budoux_boundaries(text: str) -> set[int]:
    """Phrase boundaries in ``text`` as positions of the first character of a phrase.

    BudouX gets the text without the spaces that touch a wide character; a boundary
    found there is mapped back to the original position of the character after it.
    """
    kept: list[int] = []
    for i, char in enumerate(text):
        if char.isspace():
            j = i
            while j > 0 and text[j - 1].isspace():
                j -= 1
            k = i
            while k < len(text) and text[k].isspace():
                k += 1
            touches_wide = (j > 0 and is_wide(text[j - 1])) or (k < len(text) and is_wide(text[k]))
            if touches_wide or j == 0 or k == len(text):
                continue
        kept.append(i)
    squeezed = "".join(text[i] for i in kept)
    if not squeezed:
        return set()
    out: set[int] = set()
    offset = 0
    for chunk in _parser().parse(squeezed)[:-1]:
        offset += len(chunk)
        out.add(kept[offset])
    return out


OPERATORS = frozenset("=+-−*/×⊙·‖|<>≤≥~∼≈≒∝→←↔∈^")
"""Characters that make a space-separated token a formula's operator."""
OPENING = "([{"
CLOSING = ")]}"


def _is_math(char: str) -> bool:
    """A Greek letter, a super- or subscript or a math symbol: 「σ²」「log σ²」 are formulas."""
    code = ord(char)
    return (
        0x0370 <= code <= 0x03FF
        or 0x2070 <= code <= 0x209F
        or char in "²³¹"
        or unicodedata.category(char) == "Sm"
    )


def _in_formula(text: str, start: int, end: int) -> bool:
    """Whether the space ``text[start:end]`` between two ASCII words is inside a formula:
    inside the brackets of a call (「N(0, I)」, not 「(backward: …)」), or next to an
    operator, a one-character variable or a Greek or math token (「z = μ + σ⊙ε」「log σ²」)."""
    calls: list[bool] = []
    for k, char in enumerate(text[:start]):
        if char in OPENING:
            before = text[k - 1] if k else " "
            calls.append(not before.isspace() and not is_wide(before))
        elif char in CLOSING and calls:
            calls.pop()
    if any(calls):
        return True
    before = text[:start].split()[-1]
    after = text[end:].split()[0]
    return any(
        len(token) == 1 or set(token) <= OPERATORS or any(_is_math(c) for c in token)
        for token in (before, after)
    )


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or char == "々"


@lru_cache(maxsize=8192)
def analyse(text: str) -> Paragraph:
    """The breaks of one paragraph (``text`` holds no newline)."""
    cells = [0]
    for char in text:
        cells.append(cells[-1] + cell_len(char))
    n = len(text)
    lead = len(text) - len(text.lstrip())
    phrase_starts = _budoux_boundaries(text)

    def allowed(end: int, nxt: int) -> bool:
        return text[nxt] not in NO_START and text[end - 1] not in NO_END

    breaks: list[Break] = []
    i = lead + 1
    while i < n:
        if text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and allowed(i, j):
                if j in phrase_starts and (is_wide(text[i - 1]) or is_wide(text[j])):
                    # BudouX saw this text without the space and put a boundary after it.
                    level = PHRASE
                elif is_wide(text[j]) and not is_wide(text[i - 1]):
                    level = GLUE  # a term and its particle, a number and its unit
                elif is_wide(text[i - 1]):
                    level = SPACE
                else:
                    # Between two ASCII words BudouX's boundaries mean little: a space is
                    # a word break, except inside a formula.
                    level = SPACE if _in_formula(text, i, j) else PHRASE
                breaks.append(Break(i, j, level))
            i = j + 1
            continue
        before, after = text[i - 1], text[i]
        # A half-width bracket around Japanese (「ReLU(既定)」) belongs to the Japanese.
        wide_before = is_wide(before) or (before in CLOSING and i > 1 and is_wide(text[i - 2]))
        wide_after = is_wide(after) or (after in OPENING and i + 1 < n and is_wide(text[i + 1]))
        if not before.isspace() and (wide_before or wide_after) and allowed(i, i):
            # BudouX sometimes cuts a kanji compound (「事前分|布」): never a phrase break.
            phrase = i in phrase_starts and not (_is_han(before) and _is_han(after))
            breaks.append(Break(i, i, PHRASE if phrase else CHAR))
        i += 1
    return Paragraph(text, tuple(cells), tuple(breaks))


def phrase_spans(text: str) -> list[tuple[int, int]]:
    """The phrases of one paragraph as (start, end) offsets, spaces at breaks left out."""
    para = analyse(text)
    out: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    for b in para.breaks:
        if b.level == PHRASE:
            out.append((start, b.end))
            start = b.next
    out.append((start, len(text.rstrip()) if text.strip() else len(text)))
    return out


def _fill(para: Paragraph, first: int, rest: int) -> list[tuple[int, int]]:
    """Line spans of one paragraph: the first line ``first`` cells wide, the others ``rest``."""
    text, n = para.text, len(para.text)
    ends = [b.end for b in para.breaks]
    phrase_ends = [b.end for b in para.breaks if b.level == PHRASE]
    lines: list[tuple[int, int]] = []
    start = 0
    while True:
        width = rest if lines else first
        stripped = len(text.rstrip()) if text[start:].strip() else n
        if para.width(start, n) <= width or para.width(start, stripped) <= width:
            lines.append((start, n if para.width(start, n) <= width else stripped))
            return lines
        # Breaks after ``start`` whose line fits: ``para.breaks[lo:hi]``.
        lo = bisect_right(ends, start)
        hi = lo
        while hi < len(ends) and para.width(start, ends[hi]) <= width:
            hi += 1
        fitting = para.breaks[lo:hi]
        choice: Break | None = None
        phrases = [b for b in fitting if b.level == PHRASE]
        if phrases:
            choice = phrases[-1]
            k = bisect_right(phrase_ends, choice.next)
            after = phrase_ends[k] if k < len(phrase_ends) else stripped
            if para.width(choice.next, after) > rest:
                # The next phrase is wider than any line: start it here, broken at a space.
                spaces = [b for b in fitting if b.level == SPACE and b.end > choice.end]
                if spaces:
                    choice = spaces[-1]
        else:
            for level in (SPACE, CHAR, GLUE):
                candidates = [b for b in fitting if b.level <= level]
                if candidates:
                    choice = candidates[-1]
                    break
        if choice is None:
            choice = _fold(para, start, width)
        lines.append((start, choice.end))
        if choice.next >= n:
            return lines
        start = choice.next


def _fold(para: Paragraph, start: int, width: int) -> Break:
    """A break inside an ASCII word wider than the line: as far as fits, 禁則 kept if possible."""
    text = para.text
    last = start + 1  # at least one character per line, even one wider than the line
    while last < len(text) and para.width(start, last + 1) <= width:
        last += 1
    for end in range(last, start, -1):
        if end == len(text) or (text[end] not in NO_START and text[end - 1] not in NO_END):
            return Break(end, end, ANY)
    return Break(last, last, ANY)


def line_spans(text: str, width: int, hang: int = 0) -> list[tuple[int, int]]:
    """Where ``text`` breaks into lines of at most ``width`` cells: (start, end) offsets.

    Each newline starts a new paragraph; a paragraph's lines after its first are ``hang``
    cells narrower (the caller indents them). The offsets index ``text`` itself, so a caller
    holding styled text (a Rich ``Text``) can cut it at the same places.
    """
    width = max(1, width)
    rest = max(1, width - hang)
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        for start, end in _fill(analyse(paragraph), width, rest):
            spans.append((offset + start, offset + end))
        offset += len(paragraph) + 1
    return spans


def wrap(text: str, width: int, hang: int = 0) -> list[str]:
    """``text`` broken into lines of at most ``width`` cells (see the module docstring);
    a paragraph's lines after its first are indented by ``hang`` spaces."""
    return [
        ("" if start == 0 or text[start - 1] == "\n" else " " * hang) + text[start:end]
        for start, end in line_spans(text, width, hang)
    ]


def fill(text: str, width: int) -> str:
    """``wrap`` joined with newlines."""
    return "\n".join(wrap(text, width))


def min_width(text: str) -> int:
    """The width of the widest phrase: narrower, and some phrase must be broken inside."""
    return max(
        (analyse(p).width(s, e) for p in text.split("\n") for s, e in phrase_spans(p)), default=0
    )


def max_width(text: str) -> int:
    """The width of the widest paragraph: the width at which nothing wraps."""
    return max(cell_len(p) for p in text.split("\n"))
