"""Spaced-repetition benchmark: the due queue and one committed answer on a large store.

Builds a real store file in a temporary folder with 100,000 cards and 1,000,000 review-log
rows (one transaction of executemany), and 101,000 questions in memory (the 100,000 seen
ones plus 1,000 never answered). Then measures, as medians of several runs:

* due queue: ``build_queue`` (what ``ReviewSession.start`` runs): the due cards among the
  session's items, in order, and today's new-card allowance; beside it the look-up of
  which cards fill that allowance (``Queue.new``, done on first use: it reads every seen
  card id) and a whole ``ReviewSession.start`` with ``new_left``;
* commit: ``Srs.review`` of one due card: read, FSRS step, log insert, card update, COMMIT
  with ``synchronous=FULL`` (an fsync per answer);

beside references measured in the same run: a bare ``SELECT count(*)`` over the cards, and a
bare one-row INSERT + COMMIT with the same pragmas (the fsync floor). The last line is
``due_queue_ms=<x> commit_ms=<y>`` (targets: < 50 and < 5).

    .venv/bin/python benchmarks/srs.py [--cards N] [--reviews N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import Card, Rating, State

from gkentei_vae.banks import Bank, LyricLine, Question, Song
from gkentei_vae.study.clock import to_db
from gkentei_vae.study.review import ReviewSession, build_queue, first_unseen, question_items
from gkentei_vae.study.srs import AnswerRecord, Srs, fsrs_card_number
from gkentei_vae.study.stats import compute_stats
from gkentei_vae.study.store import SYNCHRONOUS, Store

NOW = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
PER_BANK = 1000


def card_id(n: int) -> str:
    return f"b{n // PER_BANK:03d}:q{n % PER_BANK:04d}"


def fill(path: Path, cards: int, reviews: int, rng: random.Random) -> None:
    """Write the synthetic history straight into the store's tables, in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # building the fixture; not what is measured
    conn.execute("BEGIN")
    rows = []
    for n in range(cards):
        last = NOW - timedelta(days=rng.uniform(0.5, 400))
        due = NOW + timedelta(days=rng.uniform(-30, 365))  # ≈ 8 % due now
        card = Card(
            card_id=fsrs_card_number(card_id(n)),
            state=State.Review,
            stability=rng.uniform(1, 300),
            difficulty=rng.uniform(1, 10),
            due=due,
            last_review=last,
        )
        first = to_db(last - timedelta(days=rng.uniform(0, 200)))
        rows.append(
            (card_id(n), "question", card.to_json(), to_db(due), to_db(due), to_db(last), first, 2)
        )
    conn.executemany(
        "INSERT INTO cards (card_id, kind, card_json, due, fsrs_due, last_review, first_review,"
        " state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    before = rows[0][2]
    conn.executemany(
        "INSERT INTO review_log (reviewed_at, card_id, rating, duration_ms, mode, card_before)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                to_db(NOW - timedelta(seconds=rng.uniform(3600, 400 * 86400))),
                card_id(rng.randrange(cards)),
                rng.choice((1, 3, 3, 3, 4)),
                rng.randrange(2000, 40000),
                rng.choice(("review", "review", "quiz", "flashcard")),
                before,
            )
            for _ in range(reviews)
        ),
    )
    conn.execute("COMMIT")
    conn.close()


def banks_for(cards: int, unseen: int) -> list[Bank]:
    """Banks whose questions are the stored cards plus ``unseen`` new ones (built in memory:
    the benchmark times the queue, not YAML loading)."""
    lyric = LyricLine(id="L1", text="VAEは変分オートエンコーダ", topic=None, cloze=None)
    song = Song(title="bench", lines=[lyric])
    total = cards + unseen
    banks = []
    for b in range((total + PER_BANK - 1) // PER_BANK):
        questions = [
            Question(
                id=f"q{i:04d}",
                line="L1",
                topics=["definition"],
                kind="best",
                stem="問題",
                options=["a", "b", "c", "d"],
                answer="a",
                explanation="-",
                why_wrong={},
                demo=None,
                source="-",
            )
            for i in range(min(PER_BANK, total - b * PER_BANK))
        ]
        banks.append(Bank(id=f"b{b:03d}", title="bench", song=song, questions=questions, terms=[]))
    return banks


def alternating(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median milliseconds of each function, calling them in turn ``runs`` times."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(1)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "study.sqlite3"
        Store.open(path).close()  # the real schema, indexes and pragmas
        start = time.perf_counter()
        fill(path, args.cards, args.reviews, rng)
        build_s = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6

        banks = banks_for(args.cards, 1000)
        start = time.perf_counter()
        items = question_items(banks)
        items_ms = (time.perf_counter() - start) * 1000

        # References on a bare connection to the same file, with the store's pragmas.
        ref = sqlite3.connect(path, isolation_level=None)
        ref.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        ref.execute("CREATE TABLE bench_ref (x INTEGER)")

        def bare_insert() -> None:
            ref.execute("BEGIN IMMEDIATE")
            ref.execute("INSERT INTO bench_ref VALUES (1)")
            ref.execute("COMMIT")

        with Store.open(path) as store:
            srs = Srs(store)
            queue = build_queue(store, items, now=NOW, srs=srs)  # warm the page cache
            # Each measure alternates with its reference, so that load from other processes
            # on the machine (or a slow fsync spell) hits both alike.
            reads = alternating(
                {
                    "count": lambda: ref.execute("SELECT count(*) FROM cards").fetchone(),
                    "due_sql": lambda: ref.execute(
                        "SELECT card_id FROM cards WHERE due <= ? ORDER BY due, card_id",
                        (to_db(NOW),),
                    ).fetchall(),
                    "queue": lambda: build_queue(store, items, now=NOW, srs=srs),
                    "new": lambda: first_unseen(store, items, 10),
                    "start": lambda: (
                        ReviewSession.start(store, items, clock=lambda: NOW, srs=srs).new_left
                    ),
                },
                args.runs,
            )
            due_ids = iter([item.card_id for item in queue.due])
            commit_runs = max(args.runs, 50)
            last: list[AnswerRecord] = []

            def answer() -> None:
                last[:] = [
                    srs.review(next(due_ids), Rating.Good, duration_ms=5000, mode="review", now=NOW)
                ]

            writes = alternating(
                {"insert": bare_insert, "commit": answer, "undo": lambda: srs.undo(last[0])},
                commit_runs,
            )
            ref.execute("PRAGMA synchronous = NORMAL")
            insert_normal_ms = alternating({"insert": bare_insert}, commit_runs)["insert"]
            ref.close()

            start = time.perf_counter()
            compute_stats(store, banks, now=NOW)
            stats_ms = (time.perf_counter() - start) * 1000

        count_ms, due_sql_ms, due_ms, new_ms, start_ms = (
            reads[k] for k in ("count", "due_sql", "queue", "new", "start")
        )
        insert_ms, commit_ms, undo_ms = (writes[k] for k in ("insert", "commit", "undo"))
        rows = [
            ("items from banks (once per start)", items_ms, f"{len(items):,} items"),
            ("reference: SELECT count(*) FROM cards", count_ms, f"{args.cards:,} rows"),
            ("reference: bare SELECT of the due ids", due_sql_ms, "index range scan"),
            (
                "due queue (build_queue)",
                due_ms,
                f"{len(queue.due):,} due, allowance {queue.allowance}",
            ),
            ("today's new cards (Queue.new, first use)", new_ms, "reads every seen id"),
            ("ReviewSession.start + new_left", start_ms, "all a review screen needs"),
            ("reference: bare INSERT + COMMIT", insert_ms, f"synchronous={SYNCHRONOUS}"),
            ("  same with synchronous=NORMAL (not used)", insert_normal_ms, "no fsync"),
            ("commit one answer (Srs.review)", commit_ms, f"median of {commit_runs}"),
            ("undo one answer", undo_ms, f"median of {commit_runs}"),
            ("stats over everything (compute_stats)", stats_ms, "single run"),
        ]
        print(
            f"store: {args.cards:,} cards, {args.reviews:,} log rows, {size_mb:.0f} MB, "
            f"built in {build_s:.1f} s"
        )
        print(f"{'measure':<42} {'ms':>9}  note")
        for name, ms, note in rows:
            print(f"{name:<42} {ms:>9.2f}  {note}")
        print(
            f"due queue / count(*) = {due_ms / count_ms:.1f}x; commit / bare commit = "
            f"{commit_ms / insert_ms:.2f}x"
        )
        print(f"due_queue_ms={due_ms:.1f} commit_ms={commit_ms:.2f}")


if __name__ == "__main__":
    main()
