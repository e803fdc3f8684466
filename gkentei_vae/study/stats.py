"""Progress figures for ``gkentei-vae stats`` (the TUI screen and ``--plain``).

Everything is computed from the store and the loaded banks, reading only: per lyric line the
cards seen, the accuracy (answers not rated Again) and the mean recall now (``Srs.recall_now``); the
due forecast; answers per day (heatmap); with an exam date, what is left before it; and the
stored mock-exam results (the latest few, the best). Cards count for a line whether they are questions, cloze cards or term cards.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from gkentei_vae.banks import Bank
from gkentei_vae.banks.models import question_card_id
from gkentei_vae.banks.vocab import LEVELS
from gkentei_vae.study.clock import as_utc, from_db, local_date, local_midnight, to_db, utcnow
from gkentei_vae.study.exam import PASS_MARK
from gkentei_vae.study.flashcards import flashcard_items
from gkentei_vae.study.review import question_items
from gkentei_vae.study.selection import matching, song_lines
from gkentei_vae.study.srs import EXAM_WINDOW_DAYS, Srs, exam_date
from gkentei_vae.study.store import ExamResult, Store

FORECAST_DAYS = 14
"""Days in the due forecast (today first; today includes overdue cards)."""
HEATMAP_DAYS = 8 * 7
"""Days of answer history in the heatmap (8 weeks, ending today)."""
HEAT_LEVELS = "░▒▓█"
"""Heatmap shades from few answers to the day's maximum; a day without answers is '·'."""
RECENT_SITTINGS = 5
"""Mock-exam results listed, newest first."""
_WEEKDAYS = "月火水木金土日"


@dataclass(frozen=True)
class LineStats:
    """Progress on one lyric line."""

    line_id: str
    text: str
    bank_id: str
    """The bank whose song the line belongs to."""
    song: str
    """That song's title (the heading the line is listed under)."""
    cards: int
    """Cards the loaded banks make for this line."""
    seen: int
    """Of those, cards answered at least once."""
    answers: int
    correct: int
    """Answers not rated Again."""
    retrievability: float | None
    """Mean 「いまの想起率」 (``Srs.recall_now``) over the seen cards (None if none seen)."""

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class LevelStats:
    """Progress on the questions of one level (basic: G検定's scope; advanced: beyond it)."""

    level: str
    label: str
    questions: int
    """Questions of this level in the loaded banks."""
    seen: int
    """Of those, questions answered at least once."""
    answers: int
    correct: int
    """Answers not rated Again."""

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class RetiredStats:
    """The history of a question its bank has retired (merged into another): kept, not served."""

    card_id: str
    note: str
    """The bank's note on why it was retired (e.g. which question took its place)."""
    answers: int
    correct: int


@dataclass(frozen=True)
class ExamStats:
    """What remains before the exam."""

    exam_date: date
    days_left: int
    window_start: date
    """First day of the final week in which every seen card comes up."""
    to_review: int
    """Seen cards that will be due before the exam day (overdue ones included)."""
    unseen: int
    """Cards never answered yet."""


@dataclass(frozen=True)
class Sitting:
    """One stored mock exam, as stats shows it."""

    taken: datetime
    """When it was submitted, in the learner's time zone."""
    result: ExamResult

    @property
    def passed(self) -> bool:
        """At or above the assumed pass mark (PASS_MARK, 70 %), as the result screen judges."""
        return self.result.ratio >= PASS_MARK


@dataclass(frozen=True)
class Stats:
    """Everything the stats screen shows."""

    today: date
    lines: list[LineStats]
    due_now: int
    unseen: int
    forecast: list[tuple[date, int]]
    """(day, cards due that day) for FORECAST_DAYS days from today."""
    heatmap: list[tuple[date, int]]
    """(day, answers that day) for HEATMAP_DAYS days ending today."""
    total_answers: int
    exam_date: date | None
    """The configured exam date, even if it has passed."""
    exam: ExamStats | None
    """Set while the exam is still ahead."""
    sittings: list[Sitting]
    """The RECENT_SITTINGS latest mock exams, newest first."""
    sitting_count: int
    """Mock exams stored in all."""
    best_sitting: Sitting | None
    """The highest score in percent of all stored mock exams (the latest of equals)."""
    levels: list[LevelStats]
    """Per question level, in the order of ``LEVELS``."""
    retired: list[RetiredStats]
    """Retired questions the record has answers for (counted in ``total_answers`` too)."""


def compute_stats(
    store: Store, banks: Sequence[Bank], now: datetime | None = None, tz: tzinfo | None = None
) -> Stats:
    """The stats of the cards the banks make, at ``now``."""
    now = as_utc(now or utcnow())
    today = local_date(now, tz)
    srs = Srs(store, tz=tz)
    window = srs.window(now)
    items = question_items(banks) + flashcard_items(banks)
    rows = {row.card_id: row for row in store.cards()}
    tallies = store.review_tallies()
    latest = store.latest_ratings()

    def served_due(card_id: str) -> datetime:
        row = rows[card_id]
        fsrs_due = from_db(row.fsrs_due)
        if window is None:
            return fsrs_due
        return window.cap(fsrs_due, from_db(row.last_review) if row.last_review else None)

    lines = []
    for bank, lyric in song_lines(banks):
        mine = [item for item in items if item.line_id == lyric.id]
        seen = [item.card_id for item in mine if item.card_id in rows]
        recalls = [srs.recall_now(rows[cid], latest.get(cid), now) for cid in seen]
        answers = sum(tallies.get(item.card_id, (0, 0))[0] for item in mine)
        correct = sum(tallies.get(item.card_id, (0, 0))[1] for item in mine)
        lines.append(
            LineStats(
                line_id=lyric.id,
                text=lyric.text,
                bank_id=bank.id,
                song=bank.song.title,
                cards=len(mine),
                seen=len(seen),
                answers=answers,
                correct=correct,
                retrievability=sum(recalls) / len(recalls) if recalls else None,
            )
        )

    seen_ids = [item.card_id for item in items if item.card_id in rows]
    dues = [served_due(cid) for cid in seen_ids]
    due_days = Counter(max(local_date(due, tz), today) for due in dues)
    forecast = [
        (today + timedelta(days=i), due_days[today + timedelta(days=i)])
        for i in range(FORECAST_DAYS)
    ]
    first_day = today - timedelta(days=HEATMAP_DAYS - 1)
    answered = Counter(
        local_date(from_db(t), tz)
        for t in store.review_times_since(to_db(local_midnight(first_day, tz)))
    )
    heatmap = [
        (first_day + timedelta(days=i), answered[first_day + timedelta(days=i)])
        for i in range(HEATMAP_DAYS)
    ]
    unseen = len(items) - len(seen_ids)
    exam = None
    if window is not None:
        exam = ExamStats(
            exam_date=window.exam_date,
            days_left=(window.exam_date - today).days,
            window_start=window.exam_date - timedelta(days=EXAM_WINDOW_DAYS),
            to_review=sum(due < window.end for due in dues),
            unseen=unseen,
        )
    # A learner sits a mock exam a few times a week at most: reading them all is cheap.
    sittings = [
        Sitting(from_db(result.taken_at).astimezone(tz), result) for result in store.exam_results()
    ]
    return Stats(
        today=today,
        lines=lines,
        due_now=sum(due <= now for due in dues),
        unseen=unseen,
        forecast=forecast,
        heatmap=heatmap,
        total_answers=store.log_count(),
        exam_date=exam_date(store),
        exam=exam,
        sittings=sittings[:RECENT_SITTINGS],
        sitting_count=len(sittings),
        # max() keeps the first of equals, and the list is newest first.
        best_sitting=max(sittings, key=lambda s: s.result.ratio, default=None),
        levels=_levels(banks, rows, tallies),
        retired=_retired(banks, tallies),
    )


def _retired(banks: Sequence[Bank], tallies: Mapping[str, tuple[int, int]]) -> list[RetiredStats]:
    """Retired ids with history, less those a question moved to another bank still uses
    (``moved_from``): their history shows under the question's new line."""
    live = {bank.card_id(q) for bank in banks for q in bank.questions}
    return [
        RetiredStats(cid, retired.note, *tallies[cid])
        for bank in banks
        for retired in bank.retired
        if (cid := question_card_id(bank.id, retired.id)) in tallies and cid not in live
    ]


def _levels(
    banks: Sequence[Bank], rows: Mapping[str, object], tallies: Mapping[str, tuple[int, int]]
) -> list[LevelStats]:
    picks = matching(banks)
    out = []
    for level, label in LEVELS.items():
        ids = [p.card_id for p in picks if p.question.level == level]
        if ids:
            out.append(
                LevelStats(
                    level=level,
                    label=label,
                    questions=len(ids),
                    seen=sum(cid in rows for cid in ids),
                    answers=sum(tallies.get(cid, (0, 0))[0] for cid in ids),
                    correct=sum(tallies.get(cid, (0, 0))[1] for cid in ids),
                )
            )
    return out


def song_headings(lines: Sequence[LineStats]) -> list[tuple[str | None, LineStats]]:
    """Each line with the heading to print above it: ``♪ <song title>`` on the first line of
    each song when the lines come from more than one song, else None."""
    several = len({line.bank_id for line in lines}) > 1
    out: list[tuple[str | None, LineStats]] = []
    for i, line in enumerate(lines):
        first = i == 0 or lines[i - 1].bank_id != line.bank_id
        out.append((f"♪ {line.song}" if several and first else None, line))
    return out


def heat_char(count: int, peak: int) -> str:
    """The heatmap shade of a day with ``count`` answers when the busiest day had ``peak``."""
    if count <= 0 or peak <= 0:
        return "·"
    level = math.ceil(len(HEAT_LEVELS) * count / peak)
    return HEAT_LEVELS[min(level, len(HEAT_LEVELS)) - 1]


def heatmap_rows(heatmap: Sequence[tuple[date, int]]) -> list[str]:
    """The heatmap as text: a row per weekday (月…日), a column per week, oldest left."""
    if not heatmap:
        return []
    peak = max(count for _, count in heatmap)
    first = heatmap[0][0] - timedelta(days=heatmap[0][0].weekday())
    weeks = (heatmap[-1][0] - first).days // 7 + 1
    cells = {day: count for day, count in heatmap}
    rows = []
    for weekday in range(7):
        marks = []
        for week in range(weeks):
            day = first + timedelta(days=7 * week + weekday)
            marks.append(heat_char(cells[day], peak) if day in cells else " ")
        rows.append(f"{_WEEKDAYS[weekday]} {' '.join(marks)}".rstrip())
    return rows


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def sitting_cells(sitting: Sitting) -> tuple[str, str, str, str, str]:
    """(local date and time, ``k/N``, percent, 合格ライン verdict, 時間切れ or empty) of a sitting."""
    result = sitting.result
    verdict = "以上" if sitting.passed else "未満"
    return (
        sitting.taken.strftime("%Y-%m-%d %H:%M"),
        f"{result.correct}/{result.questions}",
        _percent(result.ratio),
        f"合格ライン {PASS_MARK:.0%} {verdict}",
        "時間切れ" if result.timed_out else "",
    )


def forecast_cell(sitting: Sitting) -> str:
    """``予測 62%(55〜70%)``: what the forecast said before the sitting ('' when none was made)."""
    if sitting.result.forecast is None:
        return ""
    expected, low, high = sitting.result.forecast
    return f"予測 {_percent(expected)}({_percent(low)}〜{_percent(high)})"


def sitting_text(sitting: Sitting) -> str:
    """A sitting in a few words: ``3/4 (75%) 2025-05-03 10:00``."""
    when, score, percent, _, _ = sitting_cells(sitting)
    return f"{score} ({percent}) {when}"


def render_plain(stats: Stats) -> str:
    """The stats as plain text (``gkentei-vae stats --plain``)."""
    out = [
        f"学習状況 {stats.today.isoformat()}",
        f"今すぐ復習できるカード: {stats.due_now} 枚 / 未学習: {stats.unseen} 枚 / "
        f"これまでの解答: {stats.total_answers} 回",
        "",
        "歌詞の行ごと(学習済み/カード数、正答率、いまの想起率)",
    ]
    for heading, line in song_headings(stats.lines):
        if heading:
            out.append(f"  {heading}")
        seen = f"{line.seen}/{line.cards}"
        out.append(
            f"  {line.line_id:<4} {seen:>7}  {_percent(line.accuracy):>5}  "
            f"{_percent(line.retrievability):>5}  {line.text}"
        )
    out += ["", f"今後{FORECAST_DAYS}日の復習予定(今日の分は期限切れを含む)"]
    peak = max((n for _, n in stats.forecast), default=0)
    for day, count in stats.forecast:
        bar = "█" * (math.ceil(30 * count / peak) if peak else 0)
        out.append(
            f"  {day.month:>2}/{day.day:02d}({_WEEKDAYS[day.weekday()]}) {count:>4} {bar}".rstrip()
        )
    total = sum(n for _, n in stats.heatmap)
    peak = max((n for _, n in stats.heatmap), default=0)
    out += [
        "",
        f"直近{HEATMAP_DAYS // 7}週間の解答数(左が古い週。· なし {' '.join(HEAT_LEVELS)} 多い): "
        f"計 {total} 回、最多 {peak} 回/日",
    ]
    out += [f"  {row}" for row in heatmap_rows(stats.heatmap)]
    out.append("")
    if stats.exam is not None:
        exam = stats.exam
        out.append(
            f"試験日 {exam.exam_date.isoformat()}(あと {exam.days_left} 日): "
            f"試験までに復習するカード {exam.to_review} 枚、未学習 {exam.unseen} 枚。"
            f"{exam.window_start.month}/{exam.window_start.day} からの最後の{EXAM_WINDOW_DAYS}日間に"
            "学習済みの全カードが出題されます。"
        )
    elif stats.exam_date is not None:
        out.append(
            f"試験日 {stats.exam_date.isoformat()} は過ぎました(config unset exam-date で解除)。"
        )
    else:
        out.append("試験日: 未設定(gkentei-vae config set exam-date YYYY-MM-DD)")
    out += ["", *sittings_plain(stats), "", *levels_plain(stats)]
    return "\n".join(out) + "\n"


def levels_plain(stats: Stats) -> list[str]:
    """Per level, and the retired questions with history (``render_plain``)."""
    out = ["レベル別(学習済み/問題数、正答率)"]
    for level in stats.levels:
        seen = f"{level.seen}/{level.questions}"
        out.append(f"  {level.level:<8} {seen:>7}  {_percent(level.accuracy):>5}  {level.label}")
    if stats.retired:
        out.append(f"退役した問題の記録(出題はされません): {len(stats.retired)} 問")
        for retired in stats.retired:
            out.append(f"  {retired.card_id}  解答 {retired.answers} 回  {retired.note}(退役)")
    return out


def sittings_plain(stats: Stats) -> list[str]:
    """The mock-exam section of ``render_plain``: best, latest and the recent sittings."""
    if not stats.sittings:
        return ["模擬試験の結果: まだありません(gkentei-vae exam で受験できます)"]
    out = [f"模擬試験の結果(全 {stats.sitting_count} 回、新しい順に最大 {RECENT_SITTINGS} 回)"]
    if stats.best_sitting is not None:
        out.append(
            f"  最高 {sitting_text(stats.best_sitting)} / 最新 {sitting_text(stats.sittings[0])}"
        )
    for sitting in stats.sittings:
        when, score, percent, verdict, timed_out = sitting_cells(sitting)
        cells = (when, f"{score:>7}", f"{percent:>4}", verdict, timed_out, forecast_cell(sitting))
        out.append("  " + "  ".join(cell for cell in cells if cell))
    return out
