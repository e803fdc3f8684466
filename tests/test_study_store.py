"""The SQLite store on real files: location, identity checks, migration, crashes, concurrency."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler

from gkentei_vae.study.clock import to_db
from gkentei_vae.study.srs import Srs
from gkentei_vae.study.store import (
    APPLICATION_ID,
    DB_FILENAME,
    MIGRATIONS,
    SCHEMA_V1,
    SCHEMA_VERSION,
    ExamResult,
    Store,
    StoreError,
    db_path,
)
from tests.conftest import FIXTURES, REPO, T0

LOOP = FIXTURES / "study" / "answer_loop.py"


def _fresh(path: Path, answers: int = 0) -> Path:
    """A real store of ours with ``answers`` answers in it, closed cleanly."""
    with Store.open(path) as store:
        srs = Srs(store)
        for i in range(answers):
            srs.review(f"b:q{i}", Rating.Good, duration_ms=1000, mode="review", now=T0)
    return path


def _siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


# -- where the file lives ---------------------------------------------------------------


def test_default_location_follows_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GKENTEI_VAE_HOME", str(tmp_path / "home"))
    assert db_path() == tmp_path / "home" / DB_FILENAME
    assert db_path(tmp_path / "explicit") == tmp_path / "explicit" / DB_FILENAME
    with Store.open() as store:
        assert store.path == tmp_path / "home" / DB_FILENAME
    assert (tmp_path / "home" / DB_FILENAME).is_file()


def test_default_location_without_env_is_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("GKENTEI_VAE_HOME")
    assert (
        db_path() == Path(platformdirs.user_data_dir("gkentei-vae", appauthor=False)) / DB_FILENAME
    )


def test_new_file_is_ours_in_wal_mode(tmp_path: Path) -> None:
    path = _fresh(tmp_path / "s.sqlite3")
    head = path.read_bytes()[:100]
    assert int.from_bytes(head[68:72], "big") == APPLICATION_ID
    assert int.from_bytes(head[60:64], "big") == SCHEMA_VERSION
    assert head[18] == head[19] == 2  # WAL
    # Only the store itself remains: no temporary build file left behind.
    assert _siblings(path) == {"s.sqlite3"}


# -- files that are not ours, or damaged ------------------------------------------------


def _foreign_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes (body) VALUES (?)", [("memo",)] * 50)
    conn.commit()
    conn.close()


def _truncated_half(path: Path) -> None:
    _fresh(path, answers=300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncated_header(path: Path) -> None:
    _fresh(path)
    path.write_bytes(path.read_bytes()[:50])


def _garbage(path: Path) -> None:
    path.write_bytes(bytes((i * 151 + 7) % 256 for i in range(8192)))


def _damaged_pages(path: Path) -> None:
    """Our header intact, every other page overwritten."""
    _fresh(path, answers=50)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes((i * 31 + 3) % 256 for i in range(len(data) - page))
    path.write_bytes(bytes(data))


def _newer_version(path: Path) -> None:
    _fresh(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_garbage, "SQLite データベースではない"),
        (lambda p: p.write_text("exam notes\n", encoding="utf-8"), "SQLite データベースではない"),
        (lambda p: p.write_bytes(b""), "SQLite データベースではない"),
        (_truncated_header, "SQLite データベースではない"),
        (_truncated_half, "途中で切れています"),
        (_foreign_db, "別のアプリ"),
        (_damaged_pages, "壊れています"),
        (_newer_version, "新しいバージョン"),
    ],
    ids=[
        "garbage",
        "text",
        "empty",
        "truncated-header",
        "truncated-half",
        "foreign",
        "pages",
        "newer",
    ],
)
def test_bad_file_is_reported_and_left_untouched(make, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "study.sqlite3"
    make(path)
    before = path.read_bytes()
    names = _siblings(path)
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)
    assert path.read_bytes() == before
    assert _siblings(path) == names


def test_bad_file_via_cli_exits_1_naming_it(tmp_path: Path) -> None:
    from gkentei_vae.cli import main

    _foreign_db(tmp_path / DB_FILENAME)
    before = (tmp_path / DB_FILENAME).read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "gkentei_vae", "config", "get", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 1
    assert str(tmp_path / DB_FILENAME) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / DB_FILENAME).read_bytes() == before
    assert main(["config", "get", "--data-dir", str(tmp_path)]) == 1


# -- migration --------------------------------------------------------------------------


def _v1_file(path: Path) -> tuple[list[tuple], list[tuple]]:
    """A version-1 store as that version wrote it; returns its card and log rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for statement in SCHEMA_V1:
        conn.execute(statement)
    scheduler = Scheduler(enable_fuzzing=False)
    cards, logs = [], []
    for n, card_id in enumerate(["vae:q01", "vae:q02", "vae:cloze:L7"]):
        card = Card(card_id=100 + n, due=T0)
        t = T0
        for rating in (Rating.Good, Rating.Again, Rating.Good)[: n + 1]:
            before = card.to_json()
            card, _ = scheduler.review_card(card, rating, t, 2500)
            logs.append((to_db(t), card_id, int(rating), 2500, None if t == T0 else before))
            t = card.due
        cards.append((card_id, card.to_json(), to_db(card.due)))
    conn.executemany("INSERT INTO cards (card_id, card_json, due) VALUES (?, ?, ?)", cards)
    conn.executemany(
        "INSERT INTO review_log (reviewed_at, card_id, rating, duration_ms, card_before)"
        " VALUES (?, ?, ?, ?, ?)",
        logs,
    )
    conn.execute("COMMIT")
    rows_cards = conn.execute("SELECT * FROM cards ORDER BY card_id").fetchall()
    rows_log = conn.execute("SELECT * FROM review_log ORDER BY id").fetchall()
    conn.close()
    return rows_cards, rows_log


def test_v1_database_migrates_with_rows_intact(tmp_path: Path) -> None:
    path = tmp_path / "study.sqlite3"
    old_cards, old_log = _v1_file(path)
    with Store.open(path) as store:
        migrated_schema = store.schema()
        cards = {row.card_id: row for row in store.cards()}
        log = store.log_rows()
    with Store.open(tmp_path / "fresh.sqlite3") as fresh:
        assert migrated_schema == fresh.schema()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION

    assert [
        (r.id, r.reviewed_at, r.card_id, r.rating, r.duration_ms, r.card_before) for r in log
    ] == old_log
    assert {r.mode for r in log} == {"review"}
    for card_id, card_json, due in old_cards:
        row = cards[card_id]
        card = Card.from_json(card_json)
        assert (row.card_json, row.due, row.fsrs_due) == (card_json, due, due)
        assert row.last_review == to_db(card.last_review)
        assert row.state == int(card.state)
        assert row.first_review == min(r.reviewed_at for r in log if r.card_id == card_id)
    assert cards["vae:cloze:L7"].kind == "cloze"
    assert cards["vae:q01"].kind == "question"
    # A backup of the version-1 file was kept beside it.
    backup = sqlite3.connect(tmp_path / "study.v1-backup.sqlite3")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM review_log").fetchone()[0] == len(old_log)


def _v2_file(path: Path) -> dict[str, list[tuple]]:
    """A version-2 store (the v1 file above, migrated as v2 did) with a setting; its rows."""
    _v1_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[1](conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO settings (key, value) VALUES ('exam-date', '2025-06-14')")
    conn.execute("COMMIT")
    rows = _table_rows(conn, ("meta", "cards", "review_log", "settings"))
    conn.close()
    return rows


def _table_rows(conn: sqlite3.Connection, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def _prefix_rows(
    new: dict[str, list[tuple]], old: dict[str, list[tuple]]
) -> dict[str, list[tuple]]:
    """``new``'s rows cut to the columns ``old`` had (later versions add columns at the end)."""
    return {
        t: [row[: len(old[t][0])] if old[t] else row for row in rows] for t, rows in new.items()
    }


def test_v2_database_migrates_to_v3_with_rows_intact(tmp_path: Path) -> None:
    path = tmp_path / "study.sqlite3"
    old = _v2_file(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "exam_results" not in tables and "settings" in tables
    conn.close()
    assert all(old.values())  # every table holds rows to keep

    with Store.open(path) as store:
        migrated_schema = store.schema()
        assert store.exam_results() == []
        assert store.get_setting("exam-date") == "2025-06-14"
    with Store.open(tmp_path / "fresh.sqlite3") as fresh:
        assert migrated_schema == fresh.schema()
    assert ("table", "exam_results") in {(t, n) for t, n, _ in migrated_schema}
    assert ("index", "exam_results_time") in {(t, n) for t, n, _ in migrated_schema}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert _prefix_rows(_table_rows(conn, tuple(old)), old) == old
    conn.close()
    # The version-2 file was copied beside it first, and the copy is left as it was.
    backup = sqlite3.connect(tmp_path / "study.v2-backup.sqlite3")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 2
    assert _table_rows(backup, tuple(old)) == old
    backup.close()
    # The migrated file takes results like a new one.
    with Store.open(path) as store:
        store.add_exam_result(**_RESULT)
        assert [r.correct for r in store.exam_results()] == [_RESULT["correct"]]


def _v3_file(path: Path) -> dict[str, list[tuple]]:
    """A version-3 store (the v2 file above, migrated as v3 did) with a sitting; its rows."""
    _v2_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[2](conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO exam_results (taken_at, questions, correct, unanswered, time_limit_s,"
        " seconds_used, timed_out, by_line, by_topic) VALUES (?, 4, 2, 1, 164, 97.25, 0, ?, ?)",
        (to_db(T0), '{"L7":[1,2]}', '{"elbo":[1,2]}'),
    )
    conn.execute("COMMIT")
    rows = _table_rows(conn, ("meta", "cards", "review_log", "settings", "exam_results"))
    conn.close()
    return rows


def test_v3_database_migrates_to_v4_with_rows_intact(tmp_path: Path) -> None:
    path = tmp_path / "study.sqlite3"
    old = _v3_file(path)
    assert all(old.values())
    with Store.open(path) as store:
        migrated_schema = store.schema()
        log = store.log_rows()
        [sitting] = store.exam_results()
    with Store.open(tmp_path / "fresh.sqlite3") as fresh:
        assert migrated_schema == fresh.schema()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert _prefix_rows(_table_rows(conn, tuple(old)), old) == old
    conn.close()
    # Old answers were not marked as guesses; a question's correctness comes from its rating,
    # a flashcard's stays unknown (it was self-rated).
    assert not any(row.guessed for row in log)
    for row in log:
        expected = None if row.card_id.startswith("vae:cloze:") else row.rating > 1
        assert row.correct is expected
    assert {row.correct for row in log} == {True, False, None}
    assert sitting.forecast is None and sitting.correct == 2
    backup = sqlite3.connect(tmp_path / "study.v3-backup.sqlite3")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 3
    backup.close()
    # The migrated file takes guessed answers and forecasts.
    with Store.open(path) as store:
        with store.transaction():
            log_id = store.insert_log(
                reviewed_at=to_db(T0),
                card_id="vae:q09",
                rating=1,
                duration_ms=900,
                mode="quiz",
                card_before=None,
                guessed=True,
                correct=True,
            )
        row = store.log_row(log_id)
        assert row is not None and row.guessed and row.correct
        store.add_exam_result(**_RESULT, forecast=(0.5, 0.4, 0.6))
        assert store.exam_results()[0].forecast == (0.5, 0.4, 0.6)


# -- mock-exam results ----------------------------------------------------------------------

_RESULT: dict = {
    "taken_at": to_db(T0),
    "questions": 4,
    "correct": 2,
    "unanswered": 1,
    "time_limit_s": 164.0,
    "seconds_used": 97.25,
    "timed_out": False,
    "by_line": {"L7": (1, 2), "L3": (1, 1), "L8": (0, 1)},
    "by_topic": {"reparam": (1, 3), "encoder": (1, 1), "latent": (0, 1)},
}


def test_exam_results_round_trip_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "study.sqlite3"
    with Store.open(path) as store:
        first = store.add_exam_result(**_RESULT)
        # Committed on return: a second connection sees it while this one stays open.
        other = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        assert other.execute("SELECT count(*) FROM exam_results").fetchone()[0] == 1
        other.close()
        later = dict(_RESULT, taken_at=to_db(T0 + timedelta(days=2)), correct=4, unanswered=0)
        timed = dict(
            _RESULT,
            taken_at=to_db(T0 + timedelta(days=1)),
            correct=0,
            unanswered=4,
            seconds_used=164.0,
            timed_out=True,
            by_line={},
            by_topic={},
        )
        newest, middle = store.add_exam_result(**later), store.add_exam_result(**timed)
        assert len({first, newest, middle}) == 3
    with Store.open(path) as store:
        results = store.exam_results()
        assert [r.id for r in results] == [newest, middle, first]
        assert store.exam_results(limit=2) == results[:2]
        assert results[2] == ExamResult(id=first, **_RESULT)
        assert results[2].ratio == 0.5
        assert results[1].timed_out is True and results[1].by_line == {}
        assert results[1].ratio == 0.0 and results[0].ratio == 1.0


@pytest.mark.parametrize(
    "bad",
    [
        {"correct": 3, "unanswered": 2},  # more than the questions
        {"correct": -1},
        {"seconds_used": -5.0},
    ],
    ids=["too-many", "negative", "negative-time"],
)
def test_an_impossible_exam_result_is_refused(bad: dict, tmp_path: Path) -> None:
    with Store.open(tmp_path / "study.sqlite3") as store:
        with pytest.raises(StoreError) as info:
            store.add_exam_result(**dict(_RESULT, **bad))
        assert str(store.path) in str(info.value)
        assert store.exam_results() == []
        # The failed insert was rolled back: the store goes on working.
        store.add_exam_result(**_RESULT)
        assert len(store.exam_results()) == 1


def test_migrated_store_keeps_scheduling(tmp_path: Path) -> None:
    path = tmp_path / "study.sqlite3"
    old_cards, _ = _v1_file(path)
    with Store.open(path) as store:
        srs = Srs(store, scheduler=Scheduler(enable_fuzzing=False))
        card_id, card_json, _ = old_cards[0]
        expected, _ = Scheduler(enable_fuzzing=False).review_card(
            Card.from_json(card_json), Rating.Good, T0 + timedelta(days=30), 900
        )
        record = srs.review(
            card_id, Rating.Good, duration_ms=900, mode="quiz", now=T0 + timedelta(days=30)
        )
        assert record.card.to_dict() == expected.to_dict()
        srs.undo(record)
        assert store.card(card_id).card_json == card_json


# -- crashes and concurrent sessions ----------------------------------------------------


def _loop(db: Path, prefix: str, count: int, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, str(LOOP), str(db), prefix, str(count), *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def _logged(db: Path) -> list[str]:
    with Store.open(db) as store:
        return [row.card_id for row in store.log_rows()]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_after_n_answers_leaves_n_rows(tmp_path: Path) -> None:
    db, n = tmp_path / "study.sqlite3", 7
    proc = _loop(db, "kill", 100, "--pause")
    assert proc.stdin is not None and proc.stdout is not None
    shown = []
    for i in range(n):
        shown.append(proc.stdout.readline().strip())
        if i < n - 1:
            proc.stdin.write("\n")
            proc.stdin.flush()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert (tmp_path / "study.sqlite3-wal").exists()  # killed before any clean close
    assert _logged(db) == shown


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_stream_loses_nothing_shown(tmp_path: Path) -> None:
    db = tmp_path / "study.sqlite3"
    proc = _loop(db, "run", 5000)
    assert proc.stdout is not None
    shown = [proc.stdout.readline().strip() for _ in range(40)]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    logged = _logged(db)
    assert logged[: len(shown)] == shown
    with Store.open(db) as store:
        # Every logged answer updated its card in the same transaction.
        assert {row.card_id for row in store.cards()} == set(logged)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_two_processes_answering_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "study.sqlite3"
    # Both start on a missing file: creation races too. Same card ids: every answer
    # competes for the same rows.
    procs = [_loop(db, "shared", 200), _loop(db, "shared", 200)]
    for proc in procs:
        proc.communicate(timeout=240)
        assert proc.returncode == 0
    with Store.open(db) as store:
        log = store.log_rows()
        assert len(log) == 400
        for i in range(200):
            first, second = [r for r in log if r.card_id == f"shared:q{i:04d}"]
            # The second answer started from the state the first one saved: no lost update.
            assert first.card_before is None
            assert second.card_before is not None
            assert json.loads(second.card_before)["last_review"] is not None
    assert _siblings(db) <= {"study.sqlite3", "study.sqlite3-wal", "study.sqlite3-shm"}
