"""Record every demo's result from the real model process: ``python scripts/record_demos.py``.

Writes ``tests/recorded/<demo>.json`` and ``.npz`` (see ``tests/replay.py``), which the
demo snapshots replay. Run it after a change to what a demo computes or returns, then
regenerate the demo snapshots (``pytest tests/test_demos.py --snapshot-update``) and read
their diff. ``DEMO ...`` records only those demos.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests package

from gkentei_vae.demo_registry import DEMOS
from gkentei_vae.model_process.client import ModelClient
from tests.replay import RECORDED, record_live, save_recording


def main(argv: list[str]) -> int:
    wanted = argv or list(DEMOS)
    unknown = sorted(set(wanted) - set(DEMOS))
    if unknown:
        print(f"unknown demo: {', '.join(unknown)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as log:
        model = ModelClient(log_path=Path(log) / "worker.log")
        try:
            if not model.wait_ready():
                print(f"the model process failed: {model.error}", file=sys.stderr)
                return 1
            for demo_id in wanted:
                records = record_live(model, demo_id)
                save_recording(demo_id, records)
                print(f"{demo_id}: {len(records)} records")
        finally:
            model.close()
    print(f"written to {RECORDED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
