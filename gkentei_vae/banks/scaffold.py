"""A bank skeleton from a plain lyrics file (``gkentei-vae new-bank``), and the scan that
lists what is left to write in one (``check``).

The skeleton holds the song, one lyric line per non-empty line of the lyrics file with a
cloze candidate (the line's longest run of kanji and katakana, or Latin word), and per line a question
template written as YAML comments under a ``# 未完成:`` header. Values the author must
write are marked ``〔未記入〕``. ``check`` lists every template header and every uncommented
line still holding the mark as unfinished, with its ``file:line`` (``unfinished``);
``--strict`` fails on them. docs/bank-format.md walks from lyrics to a first passing bank.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from gkentei_vae.banks.problem import Problem
from gkentei_vae.control_chars import describe

TEMPLATE_HEADER = "# 未完成:"
"""Starts the comment above each question template of a skeleton."""

PLACEHOLDER = "〔未記入〕"
"""Marks a value of a skeleton that the author must write."""

DEFAULT_LETTER = "M"
"""The line-id letter of a new song (``M1``, ``M2``…); the bundled songs use L and G."""

_CLOZE_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々\u30a0-\u30ffー]{2,}|[A-Za-z][A-Za-z0-9-]+")
_BANK_ID = re.compile(r"[^A-Za-z0-9_.-]+")


class ScaffoldError(ValueError):
    """The lyrics cannot make a bank (the message says why, in Japanese)."""


def lyric_lines(text: str) -> list[str]:
    """The lyric lines of a lyrics file: its non-empty lines, stripped."""
    lines = [line.strip() for line in text.splitlines()]
    found = [line for line in lines if line]
    if not found:
        raise ScaffoldError("歌詞の行がありません(1 行に 1 フレーズずつ書いてください)")
    for n, line in enumerate(lines, start=1):
        problem = describe(line)
        if problem:
            raise ScaffoldError(f"{n} 行目: {problem}。歌詞には使えません")
    return found


def cloze_candidate(line: str) -> str | None:
    """The line's longest run of kanji and katakana, or Latin word (the first of equals)."""
    words = _CLOZE_WORD.findall(line)
    return max(words, key=len) if words else None


def bank_id_for(path: Path) -> str:
    """A bank id from the output file's name (``my-song.yaml`` → ``my-song``)."""
    return _BANK_ID.sub("-", path.stem).strip("-.") or "my-bank"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def skeleton(lines: Sequence[str], title: str, bank_id: str, letter: str = DEFAULT_LETTER) -> str:
    """The YAML text of a bank skeleton for ``lines``."""
    prefix = f"{bank_id}-{letter.lower()}"
    out = [
        f"# {title}: gkentei-vae new-bank が作ったひな形。",
        "# 手順は docs/bank-format.md の「自分の歌でバンクを作る」にあります。",
        "# gkentei-vae check --lint このファイル で、残りの「未完成」と直すべき点が行番号つきで出ます。",
        f"id: {bank_id}",
        f"title: {_quoted(title)}",
        "song:",
        f"  title: {_quoted(title)}",
        "  lines:",
    ]
    for n, text in enumerate(lines, start=1):
        out += [f"    - id: {letter}{n}", f"      text: {_quoted(text)}"]
        cloze = cloze_candidate(text)
        if cloze:
            out.append(
                f"      cloze: {_quoted(cloze)}  # 穴埋めカードで隠す語の候補(歌詞の中の語に替えてよい)"
            )
    out.append("questions:")
    for n in range(1, len(lines) + 1):
        line_id = f"{letter}{n}"
        out += [
            f"  {TEMPLATE_HEADER} {line_id} の問題のひな形。書き上げたら各行の先頭の「# 」を外し、"
            "この見出しの行を消す(要らなければ全部消す)",
            f"  # - id: {prefix}{n}-01",
            f"  #   line: {line_id}",
            f"  #   topics: [{PLACEHOLDER}]  # トピック id(gkentei-vae topics で一覧)",
            "  #   kind: best  # best: 最も適切 / worst: 最も不適切 / blank: 空欄 / calc: 計算",
            f"  #   stem: {PLACEHOLDER}〇〇の説明として、最も適切なものを選べ。",
            "  #   options:",
            f"  #     - {PLACEHOLDER}正解",
            f"  #     - {PLACEHOLDER}誤り1",
            f"  #     - {PLACEHOLDER}誤り2",
            f"  #     - {PLACEHOLDER}誤り3",
            f"  #   answer: {PLACEHOLDER}正解  # options の正解をそのまま写す",
            f"  #   explanation: {PLACEHOLDER}なぜ正しいか",
            "  #   why_wrong:  # 誤りの選択肢ごとに、なぜ誤りか",
            f"  #     {PLACEHOLDER}誤り1: {PLACEHOLDER}",
            f"  #     {PLACEHOLDER}誤り2: {PLACEHOLDER}",
            f"  #     {PLACEHOLDER}誤り3: {PLACEHOLDER}",
            f"  #   source: {PLACEHOLDER}出典(論文と節、または文書のページ)",
            "  #   level: basic  # basic: G検定の範囲 / advanced: その先",
        ]
    return "\n".join(out) + "\n"


def unfinished(path: Path) -> list[Problem]:
    """Every question template still commented out and every value still ``〔未記入〕``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # validation reports the file itself
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(TEMPLATE_HEADER):
            what = stripped.removeprefix(TEMPLATE_HEADER).strip().split("。")[0]
            out.append(
                Problem(str(path), n, f"[unfinished] 未完成: {what}がまだコメントのままです")
            )
        elif PLACEHOLDER in line and not stripped.startswith("#"):
            out.append(
                Problem(str(path), n, f"[unfinished] 未完成: {PLACEHOLDER} の値が残っています")
            )
    return out
