"""The SQLite store of the learner's review history, card states, settings and mock-exam results.

One file, ``study.sqlite3``, in the data folder: ``--data-dir`` (an explicit path) wins, then
``gkentei_vae.paths.data_dir()`` (``$GKENTEI_VAE_HOME``, else the user data folder).

Safety rules this module keeps:

* A file that is not ours is never written to. Before SQLite opens it for writing, the first
  100 bytes are read as plain bytes: the SQLite magic string, our ``application_id`` and a
  file length that matches the page count in the header. Anything else raises ``StoreError``
  naming the file, and the file stays byte-for-byte as it was.
* A new file is built under a temporary name and hard-linked into place, so a crash never
  leaves a half-made database where the real one belongs, and two processes that start at
  once end up sharing one file.
* WAL journal, ``synchronous=FULL`` and a busy timeout: every answer is its own
  ``BEGIN IMMEDIATE`` … ``COMMIT`` and is on disk before the caller shows the next card, and
  two sessions writing at once wait for each other instead of failing.
* The schema is versioned with ``PRAGMA user_version``; older files are migrated forward in
  one transaction after a backup copy is taken. New files are made by running the version-1
  DDL and then every migration, so a fresh file and a migrated one have the same schema.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from gkentei_vae import paths
from gkentei_vae.paths import APP_NAME
from gkentei_vae.study.clock import to_db, utcnow

DB_FILENAME = "study.sqlite3"
"""The store's file name inside the data folder."""
APPLICATION_ID = 0x476B5641
"""``PRAGMA application_id`` of our files (ASCII "GkVA"); how a file is recognised as ours."""
SCHEMA_VERSION = 4
"""The schema version this code writes (``PRAGMA user_version``)."""
BUSY_TIMEOUT_MS = 15_000
"""How long a writer waits for another session's transaction before giving up."""
SYNCHRONOUS = "FULL"
"""``PRAGMA synchronous``: FULL fsyncs the WAL at every commit, so an answer survives a power
cut, not only a crash of the process (NORMAL would). It costs one fsync per answer (about
4 ms on the development VM; benchmarks/srs.py measures it beside a bare commit)."""
CACHE_KIB = 32_000
"""SQLite page cache per connection (KiB): the card indexes of a 100,000-card store fit."""

_SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """The store cannot be used; the message (Japanese) names the file and what to do."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


# -- schema ------------------------------------------------------------------------------

SCHEMA_V1: tuple[str, ...] = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE cards (card_id TEXT PRIMARY KEY, card_json TEXT NOT NULL, due TEXT NOT NULL)",
    "CREATE INDEX cards_due ON cards (due)",
    """CREATE TABLE review_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        reviewed_at TEXT NOT NULL,
        card_id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        duration_ms INTEGER,
        card_before TEXT
    )""",
    "CREATE INDEX review_log_card ON review_log (card_id)",
    f"INSERT INTO meta (key, value) VALUES ('app', '{APP_NAME}')",
    f"PRAGMA application_id = {APPLICATION_ID}",
    "PRAGMA user_version = 1",
)
"""Version 1, kept verbatim: new files start from it, and tests build v1 files with it.

v1 kept the FSRS card as JSON with only its due date beside it; the log had no mode."""

_V2_STEPS: tuple[str, ...] = (
    # Where the answer was given; v1 only had the review mode.
    "ALTER TABLE review_log ADD COLUMN mode TEXT NOT NULL DEFAULT 'review'"
    " CHECK (mode IN ('quiz', 'review', 'flashcard', 'exam'))",
    # Columns copied out of card_json so that queue and stats queries need no JSON parsing.
    "ALTER TABLE cards ADD COLUMN kind TEXT NOT NULL DEFAULT 'question'",
    "ALTER TABLE cards ADD COLUMN fsrs_due TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE cards ADD COLUMN last_review TEXT",
    "ALTER TABLE cards ADD COLUMN first_review TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE cards ADD COLUMN state INTEGER NOT NULL DEFAULT 1",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # (due, card_id) covers the due-queue query; first_review serves the new-card limit.
    "DROP INDEX cards_due",
    "CREATE INDEX cards_due ON cards (due, card_id)",
    "CREATE INDEX cards_first_review ON cards (first_review)",
    # (card_id, rating, id) answers "latest log row of this card" for undo from the index,
    # and covers the per-card tallies of stats, so neither reads the log's JSON.
    "DROP INDEX review_log_card",
    "CREATE INDEX review_log_card ON review_log (card_id, rating, id)",
    "CREATE INDEX review_log_time ON review_log (reviewed_at)",
)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """v1 → v2: mode in the log, card columns out of the JSON, settings, better indexes."""
    from fsrs import Card

    for statement in _V2_STEPS:
        conn.execute(statement)
    rows = conn.execute("SELECT card_id, card_json FROM cards").fetchall()
    for card_id, card_json in rows:
        card = Card.from_dict(json.loads(card_json))
        first = conn.execute(
            "SELECT min(reviewed_at) FROM review_log WHERE card_id = ?", (card_id,)
        ).fetchone()[0]
        last = to_db(card.last_review) if card.last_review else None
        conn.execute(
            "UPDATE cards SET kind = ?, fsrs_due = due, last_review = ?, first_review = ?,"
            " state = ? WHERE card_id = ?",
            (card_kind(card_id), last, first or last or to_db(card.due), int(card.state), card_id),
        )


_V3_STEPS: tuple[str, ...] = (
    # One row per submitted mock exam; its answers are in review_log (mode 'exam') as well.
    # The breakdowns are JSON ({"L7": [right, total], ...}): only ever shown, never queried.
    """CREATE TABLE exam_results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        taken_at TEXT NOT NULL,
        questions INTEGER NOT NULL CHECK (questions >= 0),
        correct INTEGER NOT NULL CHECK (correct >= 0),
        unanswered INTEGER NOT NULL CHECK (unanswered >= 0),
        time_limit_s REAL NOT NULL CHECK (time_limit_s >= 0),
        seconds_used REAL NOT NULL CHECK (seconds_used >= 0),
        timed_out INTEGER NOT NULL CHECK (timed_out IN (0, 1)),
        by_line TEXT NOT NULL,
        by_topic TEXT NOT NULL,
        CHECK (correct + unanswered <= questions)
    )""",
    "CREATE INDEX exam_results_time ON exam_results (taken_at)",
)


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """v2 → v3: a table of mock-exam results (the sitting's score; its answers are logged)."""
    for statement in _V3_STEPS:
        conn.execute(statement)


_V4_STEPS: tuple[str, ...] = (
    # The learner pressed 「勘」 (g) before answering: right or wrong, it was not recalled.
    "ALTER TABLE review_log ADD COLUMN guessed INTEGER NOT NULL DEFAULT 0"
    " CHECK (guessed IN (0, 1))",
    # Whether a multiple-choice answer was right; a guessed right answer is rated Again, so
    # the rating alone no longer says. NULL for self-rated flashcards.
    "ALTER TABLE review_log ADD COLUMN correct INTEGER CHECK (correct IN (0, 1))",
    "UPDATE review_log SET correct = (rating > 1)"
    " WHERE card_id NOT LIKE '%:cloze:%' AND card_id NOT LIKE '%:term:%'",
    # The forecast for the sitting's questions made just before it (JSON, or NULL).
    "ALTER TABLE exam_results ADD COLUMN forecast TEXT",
)


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    """v3 → v4: the guessed flag and correctness in the log, the forecast beside each sitting."""
    for statement in _V4_STEPS:
        conn.execute(statement)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
}
"""``MIGRATIONS[v]`` turns a version-v file into version v+1 (inside one transaction)."""


def card_kind(card_id: str) -> str:
    """``question`` (``bank:qid``), ``cloze`` (``bank:cloze:line``) or ``term`` (``bank:term:id``)."""
    parts = card_id.split(":")
    if len(parts) == 3 and parts[1] in ("cloze", "term"):
        return parts[1]
    return "question"


# -- rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRow:
    """A card's stored scheduling state (times are the stored UTC text)."""

    card_id: str
    kind: str
    card_json: str
    """The ``fsrs.Card`` serialised with ``to_json()``: the exact FSRS state."""
    due: str
    """When the card is next served: ``fsrs_due``, or earlier when the exam date caps it."""
    fsrs_due: str
    last_review: str | None
    first_review: str
    """When the card was first answered (the new-card daily limit counts these)."""
    state: int


@dataclass(frozen=True)
class LogRow:
    """One answer in the review log."""

    id: int
    reviewed_at: str
    card_id: str
    rating: int
    duration_ms: int | None
    mode: str
    card_before: str | None
    """The card's ``card_json`` before this answer; None when it was a new card."""
    guessed: bool = False
    """The learner marked the answer as a guess (「勘」) before giving it."""
    correct: bool | None = None
    """Whether a multiple-choice answer was right (None: a self-rated flashcard)."""


@dataclass(frozen=True)
class ExamResult:
    """One submitted mock exam."""

    id: int
    taken_at: str
    """When it was submitted (the stored UTC text)."""
    questions: int
    correct: int
    unanswered: int
    """Questions left without an answer (counted as not right)."""
    time_limit_s: float
    seconds_used: float
    """Seconds from the start to the submission (the whole limit when time ran out)."""
    timed_out: bool
    """True when time ran out and the exam submitted itself."""
    by_line: dict[str, tuple[int, int]]
    """Lyric line id → (right, questions)."""
    by_topic: dict[str, tuple[int, int]]
    """Topic id → (right, questions); a question counts for each of its topics."""
    forecast: tuple[float, float, float] | None = None
    """(expected, low, high) fractions forecast for this sitting just before it (None: none made)."""

    @property
    def ratio(self) -> float:
        """The score as a fraction of every question (0 for an empty exam)."""
        return self.correct / self.questions if self.questions else 0.0


_CARD_COLUMNS = "card_id, kind, card_json, due, fsrs_due, last_review, first_review, state"
_LOG_COLUMNS = "id, reviewed_at, card_id, rating, duration_ms, mode, card_before, guessed, correct"
_EXAM_COLUMNS = (
    "id, taken_at, questions, correct, unanswered, time_limit_s, seconds_used, timed_out,"
    " by_line, by_topic, forecast"
)


def _log_row(row: tuple) -> LogRow:
    return LogRow(
        id=row[0],
        reviewed_at=row[1],
        card_id=row[2],
        rating=row[3],
        duration_ms=row[4],
        mode=row[5],
        card_before=row[6],
        guessed=bool(row[7]),
        correct=None if row[8] is None else bool(row[8]),
    )


def _tallies_json(tallies: Mapping[str, tuple[int, int]]) -> str:
    return json.dumps(
        {key: [int(right), int(total)] for key, (right, total) in sorted(tallies.items())},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _tallies(text: str) -> dict[str, tuple[int, int]]:
    return {key: (right, total) for key, (right, total) in json.loads(text).items()}


# -- locating and recognising the file ----------------------------------------------------


def db_path(data_dir: Path | None = None) -> Path:
    """The store file inside ``data_dir`` (default: ``paths.data_dir()``)."""
    return (data_dir if data_dir is not None else paths.data_dir()) / DB_FILENAME


def check_file(path: Path) -> None:
    """Raise StoreError unless ``path`` looks like an intact store of ours; reads bytes only."""
    try:
        if not path.is_file():
            raise StoreError(
                path, "通常のファイルではありません。--data-dir で別の場所を指定してください。"
            )
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(path, f"読み込めません({exc.strerror})。") from None
    untouched = "ファイルには手を加えていません。"
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise StoreError(
            path,
            "SQLite データベースではないか、壊れています(先頭の形式が違います)。"
            f"{untouched}別の場所を --data-dir で指定するか、ファイルを移動してください。",
        )
    if int.from_bytes(head[68:72], "big") != APPLICATION_ID:
        raise StoreError(
            path,
            "gkentei-vae の学習記録ではありません(別のアプリの SQLite データベースです)。"
            f"{untouched}--data-dir で別の場所を指定してください。",
        )
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    header_size_valid = head[24:28] == head[92:96]
    wal = path.with_name(path.name + "-wal")
    # With a non-empty WAL beside it, the main file may legitimately lag behind (SQLite
    # finishes the checkpoint on open), so the length check only applies without one.
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if header_size_valid and pages and not wal_pending and size < pages * page_size:
        raise StoreError(
            path,
            f"学習記録が途中で切れています({pages * page_size} バイトのはずが {size} バイト)。"
            f"{untouched}バックアップから戻すか、ファイルを移動してください。",
        )


def _connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    mode = "rwc" if create else "rw"
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode={mode}",
        uri=True,
        isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE … COMMIT
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,  # the UI may answer from a worker thread; _lock serialises
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _create(path: Path) -> None:
    """Build a current-version store beside ``path`` and link it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        conn = _connect(tmp, create=True)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in SCHEMA_V1:
                conn.execute(statement)
            for version in range(1, SCHEMA_VERSION):
                MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('created_at', ?)", (to_db(utcnow()),)
            )
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:
            # No hard links on this file system; a rename is good enough here.
            if not path.exists():
                os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(path, f"学習記録を作成できません({exc})。") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


# -- the store ---------------------------------------------------------------------------


class Store:
    """An open store. Use ``Store.open(...)``; close it (or use ``with``) when done.

    Reads may be called at any time; writes go through ``transaction()``. One connection,
    guarded by a lock, so a Store may be shared between the UI thread and a worker.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | None = None, *, data_dir: Path | None = None) -> Store:
        """Open (creating if missing, migrating if older) the store at ``path``.

        ``path`` is the file itself; without it, ``study.sqlite3`` in ``data_dir`` (or the
        default data folder). Raises StoreError for a file that is not ours, is damaged,
        or was written by a newer version.
        """
        path = Path(path) if path is not None else db_path(data_dir)
        if not path.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(path, f"フォルダを作成できません({exc.strerror})。") from None
            _create(path)
        check_file(path)
        try:
            conn = _connect(path)
        except sqlite3.Error as exc:
            raise StoreError(path, f"開けません({exc})。") from None
        store = cls(path, conn)
        try:
            store._prepare()
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        with self._errors():
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    self.path,
                    f"新しいバージョンの gkentei-vae で作られた学習記録です(スキーマ v{version}、"
                    f"このバージョンは v{SCHEMA_VERSION} まで)。gkentei-vae を更新してください。",
                )
            if version < 1:
                raise StoreError(
                    self.path, "学習記録のスキーマが不明です。ファイルには手を加えていません。"
                )
            app = self._conn.execute("SELECT value FROM meta WHERE key = 'app'").fetchone()
            if app is None or app[0] != APP_NAME:
                raise StoreError(
                    self.path, "gkentei-vae の学習記録ではありません(meta がありません)。"
                )
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
            self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            if version < SCHEMA_VERSION:
                self._migrate(version)

    def _migrate(self, version: int) -> None:
        backup = self.path.with_name(f"{self.path.stem}.v{version}-backup{self.path.suffix}")
        if not backup.exists():
            tmp = backup.with_name(f".{backup.name}.{uuid.uuid4().hex}.tmp")
            dest = sqlite3.connect(tmp)
            try:
                self._conn.backup(dest)
            finally:
                dest.close()
            try:
                os.replace(tmp, backup)
            except OSError:
                tmp.unlink(missing_ok=True)
        with self.transaction() as conn:
            # Another process may have migrated while we waited for the write lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
            conn.execute(f"PRAGMA user_version = {version}")

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn SQLite failures into StoreError naming the file."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                message = f"他の gkentei-vae が使用中で書き込めません({text})。"
            elif "malformed" in text or "not a database" in text:
                message = f"学習記録が壊れています({text})。ファイルには手を加えていません。"
            else:
                message = f"学習記録を読み書きできません({text})。"
            raise StoreError(self.path, message) from None

    def close(self) -> None:
        """Close the connection (SQLite checkpoints the WAL into the file)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): committed on exit, rolled back on error."""
        with self._lock, self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _read(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        with self._lock, self._errors():
            return self._conn.execute(sql, tuple(params)).fetchall()

    # -- cards ---------------------------------------------------------------------------

    def card(self, card_id: str) -> CardRow | None:
        """The stored state of one card; None if it was never answered."""
        rows = self._read(f"SELECT {_CARD_COLUMNS} FROM cards WHERE card_id = ?", (card_id,))
        return CardRow(*rows[0]) if rows else None

    def cards(self) -> list[CardRow]:
        """Every stored card."""
        return [CardRow(*r) for r in self._read(f"SELECT {_CARD_COLUMNS} FROM cards")]

    def due_card_ids(self, until: str) -> list[str]:
        """Ids of cards whose (capped) due time is ≤ ``until``, most overdue first."""
        rows = self._read(
            "SELECT card_id FROM cards WHERE due <= ? ORDER BY due, card_id", (until,)
        )
        return [r[0] for r in rows]

    def seen_card_ids(self) -> set[str]:
        """Ids of every card answered at least once."""
        # One joined string built in C is about twice as fast as 100,000 one-column rows.
        text = self._read("SELECT group_concat(card_id, char(10)) FROM cards")[0][0]
        return set(text.split("\n")) if text else set()

    def introduced_since(self, since: str, kinds: Iterable[str]) -> int:
        """How many cards of these kinds were answered for the first time at or after ``since``."""
        kinds = tuple(kinds)
        marks = ", ".join("?" * len(kinds))
        return self._read(
            f"SELECT count(*) FROM cards WHERE first_review >= ? AND kind IN ({marks})",
            (since, *kinds),
        )[0][0]

    def put_card(self, row: CardRow) -> None:
        """Insert or replace a card's state (call inside ``transaction()``)."""
        with self._errors():
            self._conn.execute(
                f"INSERT OR REPLACE INTO cards ({_CARD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.card_id,
                    row.kind,
                    row.card_json,
                    row.due,
                    row.fsrs_due,
                    row.last_review,
                    row.first_review,
                    row.state,
                ),
            )

    def delete_card(self, card_id: str) -> None:
        """Forget a card's state (call inside ``transaction()``)."""
        with self._errors():
            self._conn.execute("DELETE FROM cards WHERE card_id = ?", (card_id,))

    def recap_dues(self, window_start: str | None, exam_start: str | None) -> int:
        """Recompute every card's served due time for an exam window (None: no exam).

        The rule (see ``srs.ExamWindow``): a card last answered before the window whose
        FSRS due time falls on or after the exam day is served at the window's start.
        Call inside ``transaction()``; returns the number of cards changed.
        """
        with self._errors():
            if window_start is None or exam_start is None:
                cur = self._conn.execute("UPDATE cards SET due = fsrs_due WHERE due != fsrs_due")
            else:
                cur = self._conn.execute(
                    "UPDATE cards SET due = CASE WHEN last_review < :ws AND fsrs_due >= :es"
                    " THEN :ws ELSE fsrs_due END"
                    " WHERE due != (CASE WHEN last_review < :ws AND fsrs_due >= :es"
                    " THEN :ws ELSE fsrs_due END)",
                    {"ws": window_start, "es": exam_start},
                )
            return cur.rowcount

    # -- review log ----------------------------------------------------------------------

    def insert_log(
        self,
        *,
        reviewed_at: str,
        card_id: str,
        rating: int,
        duration_ms: int | None,
        mode: str,
        card_before: str | None,
        guessed: bool = False,
        correct: bool | None = None,
    ) -> int:
        """Append one answer to the log (call inside ``transaction()``); returns its id."""
        with self._errors():
            cur = self._conn.execute(
                "INSERT INTO review_log (reviewed_at, card_id, rating, duration_ms, mode,"
                " card_before, guessed, correct) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    reviewed_at,
                    card_id,
                    rating,
                    duration_ms,
                    mode,
                    card_before,
                    int(guessed),
                    None if correct is None else int(correct),
                ),
            )
            return int(cur.lastrowid or 0)

    def log_row(self, log_id: int) -> LogRow | None:
        """One log row by id."""
        rows = self._read(f"SELECT {_LOG_COLUMNS} FROM review_log WHERE id = ?", (log_id,))
        return _log_row(rows[0]) if rows else None

    def log_rows(self, card_id: str | None = None) -> list[LogRow]:
        """The log (of one card, or all), oldest first."""
        if card_id is None:
            rows = self._read(f"SELECT {_LOG_COLUMNS} FROM review_log ORDER BY id")
        else:
            rows = self._read(
                f"SELECT {_LOG_COLUMNS} FROM review_log WHERE card_id = ? ORDER BY id", (card_id,)
            )
        return [_log_row(r) for r in rows]

    def latest_log_id(self, card_id: str) -> int | None:
        """Id of the card's most recent log row."""
        rows = self._read("SELECT max(id) FROM review_log WHERE card_id = ?", (card_id,))
        return rows[0][0]

    def latest_ratings(self) -> dict[str, int]:
        """Per card id: the rating of its most recent answer (1 = Again: it was wrong)."""
        rows = self._read(
            "SELECT card_id, rating FROM review_log"
            " WHERE id IN (SELECT max(id) FROM review_log GROUP BY card_id)"
        )
        return {card_id: rating for card_id, rating in rows}

    def delete_log(self, log_id: int) -> None:
        """Remove one log row (call inside ``transaction()``)."""
        with self._errors():
            self._conn.execute("DELETE FROM review_log WHERE id = ?", (log_id,))

    def log_count(self) -> int:
        """Number of answers logged."""
        return self._read("SELECT count(*) FROM review_log")[0][0]

    def review_tallies(self) -> dict[str, tuple[int, int]]:
        """Per card id: (answers, answers not rated Again)."""
        rows = self._read(
            "SELECT card_id, count(*), sum(rating > 1) FROM review_log GROUP BY card_id"
        )
        return {card_id: (n, int(ok or 0)) for card_id, n, ok in rows}

    def review_times_since(self, since: str) -> list[str]:
        """The times of every answer at or after ``since``."""
        rows = self._read("SELECT reviewed_at FROM review_log WHERE reviewed_at >= ?", (since,))
        return [r[0] for r in rows]

    # -- mock-exam results ---------------------------------------------------------------

    def add_exam_result(
        self,
        *,
        taken_at: str,
        questions: int,
        correct: int,
        unanswered: int,
        time_limit_s: float,
        seconds_used: float,
        timed_out: bool,
        by_line: Mapping[str, tuple[int, int]],
        by_topic: Mapping[str, tuple[int, int]],
        forecast: tuple[float, float, float] | None = None,
    ) -> int:
        """Store one submitted exam in its own transaction, committed on return; its id.

        ``by_line`` and ``by_topic`` map an id to (right, questions); ``forecast`` is
        (expected, low, high) made for the sitting before it began.
        """
        with self.transaction() as conn:
            cur = conn.execute(
                f"INSERT INTO exam_results ({_EXAM_COLUMNS}) VALUES"
                " (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    taken_at,
                    questions,
                    correct,
                    unanswered,
                    float(time_limit_s),
                    float(seconds_used),
                    int(timed_out),
                    _tallies_json(by_line),
                    _tallies_json(by_topic),
                    None if forecast is None else json.dumps([float(x) for x in forecast]),
                ),
            )
            return int(cur.lastrowid or 0)

    def exam_results(self, limit: int | None = None) -> list[ExamResult]:
        """Stored exam results, newest first (the ``limit`` newest, or all)."""
        rows = self._read(
            f"SELECT {_EXAM_COLUMNS} FROM exam_results ORDER BY taken_at DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [
            ExamResult(
                id=row[0],
                taken_at=row[1],
                questions=row[2],
                correct=row[3],
                unanswered=row[4],
                time_limit_s=row[5],
                seconds_used=row[6],
                timed_out=bool(row[7]),
                by_line=_tallies(row[8]),
                by_topic=_tallies(row[9]),
                forecast=None if row[10] is None else tuple(json.loads(row[10])),
            )
            for row in rows
        ]

    # -- settings ------------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        """A stored setting, or None."""
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting (its own transaction unless called inside one)."""
        self._write_setting(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value)
        )

    def delete_setting(self, key: str) -> None:
        """Remove a setting (its own transaction unless called inside one)."""
        self._write_setting("DELETE FROM settings WHERE key = ?", (key,))

    def _write_setting(self, sql: str, params: tuple[str, ...]) -> None:
        if self._conn.in_transaction:
            with self._lock, self._errors():
                self._conn.execute(sql, params)
        else:
            with self.transaction() as conn:
                conn.execute(sql, params)

    def schema(self) -> list[tuple[str, str, str]]:
        """(type, name, normalised SQL) of every table and index, for migration tests."""
        rows = self._read(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        )
        return [(t, n, " ".join(sql.split())) for t, n, sql in rows]
