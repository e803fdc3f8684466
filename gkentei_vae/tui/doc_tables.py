"""The generated tables of the docs: keys (from the screens' bindings), demos (from the
demo registry), topics and question kinds (from ``banks/vocab.py``) and the bank summary.

``python -m gkentei_vae.tui.doc_tables`` rewrites every block between
``<!-- generated:NAME -->`` and ``<!-- /generated -->`` in the files of ``DOCS``;
``tests/test_doc_tables.py`` fails when a block differs from what this module generates.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from gkentei_vae.banks.vocab import KINDS, LEVELS, TOPICS
from gkentei_vae.demo_registry import DEMOS
from gkentei_vae.study.selection import load_default_banks
from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.demo_screen import DemoScreen
from gkentei_vae.tui.exam_screen import ExamScreen
from gkentei_vae.tui.flashcard_screen import FlashcardScreen
from gkentei_vae.tui.gan_training_screen import GanTrainingScreen
from gkentei_vae.tui.home_screen import HomeScreen
from gkentei_vae.tui.keys import bindings_of, grouped_keys, join_keys, screen_help
from gkentei_vae.tui.kl_training_screen import KlTrainingScreen
from gkentei_vae.tui.mode_collapse_screen import ModeCollapseScreen
from gkentei_vae.tui.quiz_screen import QuizScreen
from gkentei_vae.tui.readiness import ForecastScreen
from gkentei_vae.tui.review_screen import ReviewScreen
from gkentei_vae.tui.stats_screen import StatsScreen
from gkentei_vae.tui.summary_screen import MissedWalkScreen, SummaryScreen


def screens() -> dict[str, tuple[str, type]]:
    """Table name → (Japanese screen name, screen class), in the order the README lists them."""
    return {
        "home": ("ホーム", HomeScreen),
        "quiz": ("クイズ", QuizScreen),
        "summary": ("クイズ・模擬試験の結果", SummaryScreen),
        "walk": ("間違えた問題の振り返り", MissedWalkScreen),
        "review": ("復習", ReviewScreen),
        "flashcards": ("フラッシュカード", FlashcardScreen),
        "stats": ("学習状況", StatsScreen),
        "exam": ("模擬試験", ExamScreen),
        "forecast": ("試験日の予測", ForecastScreen),
        "demo": ("デモ", DemoScreen),
        "kl-training": ("デモ(学習の実演)", KlTrainingScreen),
        "gan-training": ("デモ(VAE と GAN の学習)", GanTrainingScreen),
        "mode-collapse": ("デモ(モード崩壊)", ModeCollapseScreen),
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def overview_table() -> str:
    """Markdown: one row per screen, its keys grouped by their short description (README)."""
    lines = ["| 画面 | キー |", "|---|---|"]
    for title, cls in screens().values():
        groups = grouped_keys(bindings_of(cls), by_tooltip=False)
        cells = [f"`{join_keys(keys)}` {what}" for what, keys in groups.items()]
        lines.append(f"| {title} | {_cell('、'.join(cells))} |")
    app_keys = screen_help(GkenteiApp)
    lines.append(f"| どの画面でも | {_cell('、'.join(f'`{r.keys}` {r.what}' for r in app_keys))} |")
    return "\n".join(lines)


def screen_table(name: str) -> str:
    """Markdown: every key of one screen with its full help text, and its notes (docs)."""
    _, cls = screens()[name]
    lines = ["| キー | 操作 |", "|---|---|"]
    for row in screen_help(cls, GkenteiApp):
        keys = f"`{row.keys}`" if row.keys else ""
        lines.append(f"| {_cell(keys)} | {_cell(row.what)} |")
    return "\n".join(lines)


def demos_table() -> str:
    """Markdown: every registered demo, its title and what the learner sees."""
    lines = ["| id | 名前 | 内容 |", "|---|---|---|"]
    for demo in DEMOS.values():
        lines.append(f"| `{demo.id}` | {_cell(demo.title)} | {_cell(demo.shows)} |")
    return "\n".join(lines)


def vocabulary_table(vocabulary: dict[str, str], label: str) -> str:
    """Markdown: the ids of a vocabulary (``banks/vocab.py``) and what each means."""
    lines = [f"| id | {label} |", "|---|---|"]
    lines += [f"| `{key}` | {_cell(value)} |" for key, value in vocabulary.items()]
    return "\n".join(lines)


def bank_summary() -> str:
    """Markdown: the bundled banks' questions per kind and level, and per topic."""
    banks = load_default_banks()
    questions = [q for bank in banks for q in bank.questions]
    lines = Counter(q.line for q in questions)
    fewest = min(lines.values(), default=0)
    head = (
        f"計 {len(questions)} 問(歌詞の各行に {fewest} 問以上)。"
        + "、".join(f"{k} {sum(q.kind == k for q in questions)} 問" for k in KINDS)
        + "。"
        + "、".join(f"{k} {sum(q.level == k for q in questions)} 問" for k in LEVELS)
        + "。"
    )
    rows = ["| トピック | 問題数 |", "|---|---|"]
    for topic, label in TOPICS.items():
        count = sum(topic in q.topics for q in questions)
        rows.append(f"| `{topic}` {_cell(label)} | {count} |")
    return head + "\n\n" + "\n".join(rows)


def tables() -> dict[str, str]:
    """Block name → its generated markdown."""
    return {
        "keys-overview": overview_table(),
        **{f"keys-{name}": screen_table(name) for name in screens()},
        "demos": demos_table(),
        "topics": vocabulary_table(TOPICS, "label"),
        "kinds": vocabulary_table(KINDS, "instruction shown with the stem"),
        "bank-summary": bank_summary(),
    }


BLOCK = re.compile(
    r"(<!-- generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /generated -->)", re.S
)
DOCS = ("README.md", "docs/study.md", "docs/design.md")
"""Files with generated blocks, relative to the repository root."""


def rewrite(text: str) -> str:
    """``text`` with every key block replaced by its generated table."""
    generated = tables()
    return BLOCK.sub(lambda m: m.group(1) + generated[m.group("name")] + "\n" + m.group(4), text)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the generated blocks of every file in ``DOCS``."""
    root = Path(__file__).resolve().parents[2]
    for name in DOCS:
        path = root / name
        text = path.read_text(encoding="utf-8")
        new = rewrite(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
