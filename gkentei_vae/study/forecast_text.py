"""The forecast and the record's calibration in Japanese words (``forecast --plain``, home, stats)."""

from __future__ import annotations

from gkentei_vae.study.calibration import Calibration, Scores
from gkentei_vae.study.forecast import PACE_TARGET, Forecast, Span


def pct(value: float) -> str:
    """A fraction as a whole percent."""
    return f"{round(100 * value)}%"


def span_text(span: Span) -> str:
    """``62%(80% 区間 55〜70%)``."""
    return f"{pct(span.expected)}(80% 区間 {pct(span.low)}〜{pct(span.high)})"


def verdict(forecast: Forecast) -> str:
    """Where the expectation stands against the pass mark, with the chance of clearing it."""
    side = "以上" if forecast.schedule.expected >= forecast.pass_mark else "未満"
    return (
        f"合格ライン {pct(forecast.pass_mark)} {side}の見込み"
        f"(ライン以上になる確率 {pct(forecast.pass_chance)})"
    )


def prior_note(forecast: Forecast) -> str | None:
    """The "mostly the prior" warning, when it applies."""
    if not forecast.mostly_prior:
        return None
    est = forecast.estimates
    return (
        f"※ この予測の大半({pct(forecast.prior_share)})はまだ事前の仮定です: "
        f"未学習の問題は 4 択の当て推量よりやや上の正答率を仮定しています"
        f"(初回の解答 {est.first_answers} 問)。問題を解くほど、あなたの記録にもとづく予測になります。"
    )


def pace_text(forecast: Forecast) -> str:
    """The pace in one sentence."""
    pace = forecast.pace
    if pace is None:
        return "ペース: 試験日が今日か過去のため、ありません。"
    head = (
        f"期待得点 {pct(PACE_TARGET)} に届くペース"
        if pace.reachable
        else f"期待得点 {pct(PACE_TARGET)} には届きません(全問を今日始めても)。最大限のペース"
    )
    return (
        f"{head}: 1日あたり新しい問題 {pace.new_per_day} 問 + 復習 約 {pace.reviews_per_day:.0f} 問"
        f"(約 {pace.minutes_per_day:.0f} 分。解答時間の中央値 {forecast.estimates.answer_seconds:.0f} 秒から)。"
        f"このペースで期待得点 {pct(pace.expected)}。今日の分で +{100 * pace.today_adds:.1f} 点。"
    )


def sitting_forecast_text(forecast: tuple[float, float, float]) -> str:
    """What the forecast said before a mock exam, in one sentence."""
    expected, low, high = forecast
    return f"この模擬試験の前の予測: 期待得点 {pct(expected)}(80% 区間 {pct(low)}〜{pct(high)})"


def headline(forecast: Forecast) -> str:
    """One line for a panel: expected, interval, days left."""
    return (
        f"試験日の予測 {span_text(forecast.schedule)}・あと {forecast.days_left} 日"
        f"・{'以上' if forecast.schedule.expected >= forecast.pass_mark else '未満'}"
        f"(合格ライン {pct(forecast.pass_mark)})"
    )


def render_plain(forecast: Forecast) -> str:
    """The whole forecast as text."""
    est = forecast.estimates
    out = [
        f"試験日の予測({forecast.level} レベル {forecast.questions} 問。"
        "この問題集の問題についての予測で、G検定の本試験そのものの予測ではありません)",
        f"試験日 {forecast.exam_date.isoformat()}(あと {forecast.days_left} 日)"
        f"  学習済み {forecast.seen}/{forecast.questions} 問",
        f"予定どおり復習を続けた場合: 期待得点 {span_text(forecast.schedule)}  {verdict(forecast)}",
        f"今日で学習をやめた場合:     期待得点 {span_text(forecast.stopped)}",
        pace_text(forecast),
    ]
    note = prior_note(forecast)
    if note:
        out.append(note)
    out += [
        f"推定値: 思い出せないときに当て推量で正解する割合 g = {pct(est.guess.mean)}"
        f"(「勘」マークの解答 {est.guesses} 回から)、"
        f"新しい問題の初回正答率 a = {pct(est.new_accuracy.mean)}(初回の解答 {est.first_answers} 問から)、"
        f"記憶の強さの推定に使った復習 {est.memory_reviews} 回",
        "",
        *line_rows(forecast),
    ]
    return "\n".join(out) + "\n"


def line_rows(forecast: Forecast) -> list[str]:
    """The per-line forecast: a title line, then a row per lyric line."""
    out = [
        f"試験日 {forecast.exam_date.isoformat()} の予測、歌詞の行ごと"
        "(学習済み/問題数、続けた場合の期待得点と 80% 区間、やめた場合の期待得点)"
    ]
    for line in forecast.lines:
        seen = f"{line.seen}/{line.questions}"
        out.append(
            f"  {line.line_id:<4} {seen:>6}  {pct(line.schedule.expected):>4}"
            f"({pct(line.schedule.low)}〜{pct(line.schedule.high)})"
            f"  {pct(line.stopped.expected):>4}  {line.text}"
        )
    return out


def _scores_row(name: str, scores: Scores) -> str:
    auc = "—" if scores.auc is None else f"{scores.auc:.3f}"
    return f"  {name:<18} {scores.log_loss:>8.4f} {scores.rmse_bins:>10.4f} {auc:>6}"


def calibration_plain(cal: Calibration) -> str:
    """The record's calibration as text (``forecast --calibration``)."""
    if cal.model.reviews == 0:
        return "記録の較正: 前回の解答から 1 日以上あけた復習がまだないため、計算できません。\n"
    out = [
        f"記録の較正: 前回から 1 日以上あけた復習 {cal.model.reviews} 回について、"
        "復習の直前に予測した想起率と実際の正誤(勘マークは不正解扱い)",
        f"  {'モデル':<16} {'log loss':>8} {'RMSE(bins)':>10} {'AUC':>6}",
        _scores_row("FSRS(個人パラメータ)" if cal.personal else "FSRS(既定パラメータ)", cal.model),
    ]
    if cal.defaults is not None:
        out.append(_scores_row("FSRS(既定パラメータ)", cal.defaults))
    out.append(_scores_row("定数(平均正答率)", cal.constant))
    out.append("いずれも小さいほど良い(AUC は大きいほど良い)。")
    return "\n".join(out) + "\n"
