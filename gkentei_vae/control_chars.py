"""Characters that can drive a terminal or hide what text says: refused in banks, escaped in output.

A bank is something learners share and download. Its text must never reach a terminal
as anything but text: an ESC starts an escape sequence (OSC 52 can overwrite the
clipboard, ``ESC [2J`` clears the screen), BEL and the other C0/C1 controls act on the
terminal, and the bidirectional overrides make a line display differently from what it
says. Bank validation refuses them (``banks/validate.py``); everything printed outside
Textual goes through :func:`escape`, so text from a bank, the learning record or the
command line shows them as ``\\x1b``, never raw.
"""

from __future__ import annotations

import re
import unicodedata

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f"  # C0 but tab and newline, DEL, C1
    "\u202a-\u202e\u2066-\u2069]"  # bidi embeddings, overrides and isolates
)
"""One character that may not appear in bank text or reach the terminal raw."""


def escape_char(char: str) -> str:
    """``\\x1b`` for ESC, ``\\u202e`` for RIGHT-TO-LEFT OVERRIDE."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every unsafe character written as its escape (tab and newline kept)."""
    return UNSAFE.sub(lambda m: escape_char(m.group()), text)


def describe(text: str) -> str | None:
    """A Japanese description of the first unsafe character in ``text``, or None."""
    found = UNSAFE.search(text)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "") or {0x1B: "ESCAPE", 0x07: "BELL", 0x7F: "DELETE"}.get(
        ord(char), "CONTROL"
    )
    return f"制御文字 {escape_char(char)}({name})が含まれています"
