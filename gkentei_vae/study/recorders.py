"""Recording quiz and mock-exam answers in the learning record (the modes' answer hooks).

The screens call these after each answer (quiz) or once on submission (exam); they
are study logic, so they live here and not in the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from gkentei_vae.study.exam import ExamSession
from gkentei_vae.study.session import Answer, QuizSession

if TYPE_CHECKING:
    from gkentei_vae.study.srs import Srs
    from gkentei_vae.study.store import Store

QuizRecorder = Callable[[Answer], object]
"""Called with each quiz answer right after the session records it (before the feedback)."""
ExamRecorder = Callable[[ExamSession, QuizSession], object]
"""Called once with the submitted exam and its scored result."""


def quiz_recorder(
    store: Store, srs: Srs | None = None, clock: Callable[[], datetime] | None = None
) -> Callable[[Answer], None]:
    """Logs each quiz answer (mode ``quiz``), committed before the screen shows the feedback."""
    made: list[Srs] = [srs] if srs else []

    def record(answer: Answer) -> None:
        if not made:
            # fsrs is imported at the first answer, not on the way to the first question.
            from gkentei_vae.study.srs import Srs

            made.append(Srs(store))
        made[0].record_choice(
            answer.item.pick.card_id,
            correct=answer.correct,
            duration_ms=round(answer.seconds * 1000),
            mode="quiz",
            now=clock() if clock else None,
            guessed=answer.guessed,
        )

    return record


def sitting_forecast(
    store: Store, exam: ExamSession, now: datetime, srs: Srs
) -> tuple[float, float, float] | None:
    """The forecast's (expected, low, high) score for this sitting's questions, now."""
    from gkentei_vae.study.clock import local_date
    from gkentei_vae.study.forecast import compute_forecast
    from gkentei_vae.study.review import question_items

    wanted = {item.pick.card_id for item in exam.items}
    banks = list({id(item.pick.bank): item.pick.bank for item in exam.items}.values())
    items = [item for item in question_items(banks) if item.card_id in wanted]
    if not items:
        return None
    forecast = compute_forecast(
        store,
        banks,
        day=local_date(now, srs.tz),
        now=now,
        tz=srs.tz,
        scheduler=srs.scheduler,
        items=items,
    )
    if forecast is None:
        return None
    span = forecast.schedule
    return (span.expected, span.low, span.high)


def exam_recorder(
    store: Store, srs: Srs | None = None, clock: Callable[[], datetime] | None = None
) -> ExamRecorder:
    """Logs every answered question of a submitted exam (mode ``exam``; unanswered ones are
    skipped), then stores the sitting's result (``Store.add_exam_result``).

    Seconds used are the time spent on every question added up, which ``ExamSession.submit``
    fixes at the moment of submission (the same as the limit minus ``remaining()`` then),
    capped at the limit: a time-out is noticed by a timer tick a moment after the limit.
    """
    from gkentei_vae.study.clock import to_db, utcnow
    from gkentei_vae.study.srs import Srs

    scheduler = srs or Srs(store)

    def record(exam: ExamSession, result: QuizSession) -> None:
        now = clock() if clock else utcnow()
        # From the record as it was before this sitting: its answers are not logged yet.
        exam.forecast = sitting_forecast(store, exam, now, scheduler)
        for answer in result.answers:
            if answer.chosen is None:
                continue  # not a retrieval attempt: the learner never answered it
            scheduler.record_choice(
                answer.item.pick.card_id,
                correct=answer.correct,
                duration_ms=round(answer.seconds * 1000),
                mode="exam",
                now=now,
                guessed=answer.guessed,
            )
        used = sum(answer.seconds for answer in result.answers)
        store.add_exam_result(
            taken_at=to_db(now),
            questions=len(result.items),
            correct=result.score,
            unanswered=sum(answer.chosen is None for answer in result.answers),
            time_limit_s=exam.time_limit,
            seconds_used=max(0.0, min(used, exam.time_limit)),
            timed_out=exam.timed_out,
            by_line={k: (t.right, t.total) for k, t in result.by_line().items()},
            by_topic={k: (t.right, t.total) for k, t in result.by_topic().items()},
            forecast=exam.forecast,
        )

    return record
