"""The test-wise adversary: how a learner who ignores the subject scores on the bundled banks.

Every strategy of ``gkentei_vae/banks/cues.py`` (defined in docs/bank-format.md, "The
test-wise adversary") is scored per question kind as an expected score over every question
of the kind: ties split, a question it does not apply to counts as a 25 % guess. The cell
shows the score and, in brackets, how many questions the strategy applies to; ``*`` marks a
score over its budget on a judged kind (single strategies 35 %, the combined player 40 %;
kinds with fewer than 8 questions are not judged). Chance is 25 %. The last line starts with
``combined=``; ``tests/test_answer_cues.py`` holds the bundled banks to the budgets.

    .venv/bin/python benchmarks/answer_cues.py [PATH...]     # default: quizzes/
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script (``python benchmarks/NAME.py``): the repo's packages come first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tables import print_table
from gkentei_vae.banks import check_paths
from gkentei_vae.banks.cues import report


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [Path(__file__).resolve().parent.parent / "quizzes"]
    result = check_paths(paths)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        return 1
    questions = [q for bank in result.banks for q in bank.questions]
    rows, summary = report(questions)
    print(f"{len(result.banks)} banks, {len(questions)} questions (chance 25 %)")
    print_table(rows)
    print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
