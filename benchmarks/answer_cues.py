"""Length cues: how a learner who ignores the question would score on the bundled banks.

For each kind (best, worst, blank, calc) prints the score of "always pick the longest
option" and of "always pick the shortest option" (characters after NFKC, whitespace
removed; a key tied with k other options counts 1/(k+1), the expected score of breaking
ties at random). Chance is 25 %. ``gkentei-vae check --lint`` holds best and worst to
35 % (rules longest-answer and shortest-answer, docs/bank-format.md).

    .venv/bin/python benchmarks/answer_cues.py [PATH...]     # default: quizzes/
"""

from __future__ import annotations

import sys
from pathlib import Path

from gkentei_vae.banks import check_paths
from gkentei_vae.banks.lint import cue_report


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [Path(__file__).resolve().parent.parent / "quizzes"]
    result = check_paths(paths)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        return 1
    print("\n".join(cue_report(result.banks)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
