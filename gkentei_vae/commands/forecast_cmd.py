"""`forecast` and `optimize`: the exam-day forecast, the record's calibration, and fitting the
learner's own FSRS parameters."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from gkentei_vae.commands import common
from gkentei_vae.control_chars import escape


def _date(text: str) -> date:
    """An exam date, checked as ``config set exam-date`` checks it (today or later)."""
    from gkentei_vae.study.settings import ConfigError, parse_exam_date

    try:
        return parse_exam_date(text, date.today())
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def forecast_screen() -> type:
    from gkentei_vae.tui.readiness import ForecastScreen

    return ForecastScreen


def register(sub: argparse._SubParsersAction) -> None:
    from gkentei_vae.study.settings import LEVEL_CHOICES

    forecast = sub.add_parser(
        "forecast",
        help="試験日の得点を予測する(期待得点・80%% 区間・必要なペース)",
        description="この問題集の問題について、試験日に正解できる見込みを予測する。"
        "予定どおり復習を続けた場合と今日でやめた場合の期待得点と 80% 区間、歌詞の行ごとの予測、"
        "期待得点 80% に届く1日あたりの新しい問題数・復習数・分数を表示する。",
        keys=forecast_screen,
    )
    common.add_options(forecast, "plain")
    forecast.add_argument(
        "--level",
        choices=LEVEL_CHOICES,
        default="basic",
        help="予測するレベル(既定: basic、G検定の範囲)",
    )
    forecast.add_argument(
        "--date",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="試験日(既定: config set exam-date で設定した日)",
    )
    forecast.add_argument(
        "--calibration",
        action="store_true",
        help="過去の復習で、直前に予測した想起率と実際の正誤を比べる(log loss・RMSE(bins)・AUC)",
    )
    common.add_options(forecast, "bank", "data-dir")
    forecast.set_defaults(handler=run_forecast)

    optimize = sub.add_parser(
        "optimize",
        help="自分の記録から FSRS のパラメータを最適化する",
        description="py-fsrs の最適化で自分の記憶のパラメータを求める。前回から 1 日以上あけた復習が "
        "512 回以上必要。記録の後半で予測が良くなる場合だけ切り替え、前のパラメータは残す。",
    )
    optimize.add_argument(
        "--revert", action="store_true", help="ひとつ前のパラメータ(または既定値)に戻す"
    )
    common.add_options(optimize, "data-dir")
    optimize.set_defaults(handler=run_optimize)


@common.store_errors
def run_forecast(args: argparse.Namespace) -> int:
    """Print the forecast (and the calibration with ``--calibration``)."""
    from gkentei_vae.study.calibration import calibrate
    from gkentei_vae.study.forecast import compute_forecast, level_items
    from gkentei_vae.study.forecast_text import calibration_plain, render_plain
    from gkentei_vae.study.selection import load_default_banks

    banks = load_default_banks(args.bank)
    items = level_items(banks, args.level)
    if not items:
        raise common.UsageError("条件に合う問題がありません")
    with common.open_store(args) as store:
        if args.calibration:
            text = calibration_plain(calibrate(store))
        else:
            forecast = compute_forecast(store, banks, level=args.level, day=args.date, items=items)
            if forecast is None:
                common.say(
                    "試験日が未設定です。--date YYYY-MM-DD で指定するか、"
                    "gkentei-vae config set exam-date YYYY-MM-DD(ホーム画面では t キー)で設定してください。",
                    err=True,
                )
                return 1
            text = render_plain(forecast)
    if args.plain or args.calibration:
        sys.stdout.write(escape(text))
        return 0
    from gkentei_vae.tui.app import GkenteiApp
    from gkentei_vae.tui.launch import run
    from gkentei_vae.tui.readiness import ForecastScreen

    return run(GkenteiApp(lambda: ForecastScreen(text)))


@common.store_errors
def run_optimize(args: argparse.Namespace) -> int:
    """Fit personal FSRS parameters (imports torch: never in the UI process)."""
    from gkentei_vae.models.fsrs_fit import fit_parameters
    from gkentei_vae.study.optimize import optimize, optimize_plain, revert

    with common.open_store(args) as store:
        if args.revert:
            common.say(revert(store))
            return 0
        result = optimize(store, fit_parameters)
    sys.stdout.write(escape(optimize_plain(result)))
    return 0 if result.fitted else 1
