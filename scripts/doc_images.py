"""The README's browser pictures: ``python scripts/doc_images.py``.

Serves the app (``gkentei-vae serve``), opens it in Chromium (Playwright, as
tests/test_serve_browser.py does), opens each pictured demo from a question and writes
the screenshot to ``docs/images/browser-DEMO.png``, only when its pixels changed. Needs
Chromium and a Japanese font (``fonts-noto-cjk``): without one, every kana would be a box.
The tests never write these files; they only check that they exist.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests package

from PIL import Image, ImageChops

from tests.serve_support import Tab, bank_with_demo, browser_context, find_browser, serving

REPO = Path(__file__).resolve().parent.parent
DOC_IMAGES = REPO / "docs" / "images"
PICTURED = {"samples": "browser-demo-samples.png", "kl-training": "browser-kl-training.png"}
"""Demo → its picture in docs/images (the README shows them)."""
NEXT = "n / Enter で次へ"


def has_japanese_font() -> bool:
    """True if fontconfig (which Chromium uses) knows a font that covers Japanese."""
    try:
        found = subprocess.run(
            ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0 and bool(found.stdout.strip())


def save(png: bytes, name: str) -> bool:
    """Write a picture unless the one there has exactly these pixels; True if written."""
    path = DOC_IMAGES / name
    new = Image.open(io.BytesIO(png)).convert("RGB")
    if path.exists():
        old = Image.open(path).convert("RGB")
        if old.size == new.size and ImageChops.difference(old, new).getbbox() is None:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return True


def screenshot(browser: str, demo: str, folder: Path) -> bytes:
    """The browser tab showing ``demo`` opened from a question, once it has drawn."""
    bank = bank_with_demo(folder / f"{demo}.yaml", demo)
    with serving(folder / "data", "--bank", str(bank)) as served, browser_context(browser) as ctx:
        tab = Tab(ctx, served.url)
        tab.wait_for("クイズ")
        tab.press("1")
        tab.wait_for("問 1/4")
        tab.press("1")
        tab.wait_for(NEXT)
        tab.press("e")
        tab.wait_for(f"[{demo}]")
        if demo == "kl-training":
            tab.wait_for("学習が終わりました", timeout=180)
        tab.wait_until(
            lambda: tab.screen is not None and len(tab.screen.count("▀")) >= 200, 60, "a picture"
        )
        shot = tab.screenshot()
        tab.close()
        return shot


def main() -> int:
    browser, why = find_browser()
    if browser is None:
        print(f"no browser: {why}", file=sys.stderr)
        return 1
    if not has_japanese_font():
        print("no Japanese font (fonts-noto-cjk): the pictures would show boxes", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for demo, name in PICTURED.items():
            written = save(screenshot(browser, demo, Path(tmp)), name)
            print(f"{name}: {'written' if written else 'unchanged'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
