"""The line-breaking rules of docs/design.md §6.4, checked on lines as shown.

``violations(text, lines, width)`` takes a text and the lines it was shown as (from
``jatext.wrap``, a ``--help`` page or a screen capture) and names every rule broken.
"""

from __future__ import annotations

from rich.cells import cell_len

from gkentei_vae.jatext import NO_END, NO_START, phrase_spans

ISSUE_NO_START = "、。，．」』）】〕！？ー・：；ぁぃぅぇぉっゃゅょ"
"""The characters issue 17 and the walkthrough name: no line may start with one."""
ISSUE_NO_END = "「『（【〔"
"""… and no line may end with one."""


def _in_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-_.'/")


def _word_around(text: str, pos: int) -> str:
    """The ASCII word (letters, digits, -_.'/) that ``pos`` falls inside, or ""."""
    if not (_in_word(text[pos - 1]) and _in_word(text[pos])):
        return ""
    start = pos
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    end = pos
    while end < len(text) and _in_word(text[end]):
        end += 1
    return text[start:end]


def violations(text: str, lines: list[str], width: int) -> list[str]:
    """Every rule that ``lines`` (``text`` shown ``width`` cells wide) breaks.

    - every line fits the width;
    - the lines are the text in order, only spaces and newlines dropped between them;
    - no line but a paragraph's first starts with a character of NO_START, and no line
      followed by more of its paragraph ends with one of NO_END;
    - no ASCII word is split unless it is wider than the line;
    - no line ends far short: the next line's first phrase would have fitted after it.
    """
    found: list[str] = []
    pos = 0
    # The line before, same paragraph: its start in the text, the indent shown before that
    # start that is not text (a hanging indent), and the line.
    prev: tuple[int, int, str] | None = None
    for line in lines:
        if cell_len(line.rstrip()) > width:
            found.append(f"wider than {width}: {line!r}")
        body = line.strip()
        if not body:
            continue
        skip = pos
        while skip < len(text) and text[skip].isspace():
            skip += 1
        if not text.startswith(body, skip):
            found.append(f"not the text in order at {skip}: {body!r} vs {text[skip : skip + 20]!r}")
            return found
        new_paragraph = prev is None or "\n" in text[pos:skip]
        if not new_paragraph:
            assert prev is not None
            prev_start, prev_hang, prev_line = prev
            if body[0] in NO_START:
                found.append(f"starts with {body[0]!r}: {prev_line!r} / {body!r}")
            if prev_line[-1] in NO_END:
                found.append(f"ends with {prev_line[-1]!r}: {prev_line!r} / {body!r}")
            if skip == pos:
                word = _word_around(text, pos)
                if word and cell_len(word) <= width:
                    found.append(f"splits {word!r}: {prev_line!r} / {body!r}")
            para_start = text.rfind("\n", 0, skip) + 1
            para_end = text.find("\n", skip)
            paragraph = text[para_start : para_end if para_end >= 0 else len(text)]
            for start, end in phrase_spans(paragraph):
                if para_start + start == skip and para_start + end <= skip + len(body):
                    if prev_hang + cell_len(text[prev_start : para_start + end]) <= width:
                        found.append(
                            f"far short: {text[skip : para_start + end]!r} fits after {prev_line!r}"
                        )
                    break
        indent = len(line) - len(line.lstrip())
        if new_paragraph:  # its own indentation is text
            prev = (max(pos, skip - indent), 0, body)
        else:  # a hanging indent
            prev = (skip, indent, body)
        pos = skip + len(body)
    return found
