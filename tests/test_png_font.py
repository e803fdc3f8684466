"""Demo PNG labels are Japanese and drawn in a font that has every glyph they use."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gkentei_vae.demo_registry import DEMOS, resolve
from gkentei_vae.demos import png_font
from tests.replay import load_recording

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CJK = png_font.font_path_for("日本語のラベル")
needs_cjk = pytest.mark.skipif(
    CJK is None,
    reason="no CJK font installed (e.g. apt-get install fonts-noto-cjk, as .ci/run does)",
)


@needs_cjk
@pytest.mark.parametrize("demo_id", list(DEMOS))
def test_every_demo_png_has_japanese_labels_in_a_font_with_their_glyphs(demo_id: str) -> None:
    # Drawn from the recorded result (nothing computed): the labels of the real PNG.
    records = load_recording(demo_id)
    png_font.forget()
    image = resolve(DEMOS[demo_id].png)(records if DEMOS[demo_id].streams else records[0])
    labels = png_font.labels_drawn()
    assert isinstance(image, Image.Image)
    assert png_font.missing_note() is None, "a label has a character no font draws"
    words = [t for t in labels if re.search(r"[A-Za-z]{3,}", t) and not JAPANESE.search(t)]
    if labels:
        assert any(JAPANESE.search(t) for t in labels), labels
        # English words only inside Japanese labels or as names (VAE, GAN, FD, nats).
        assert all(w in {"VAE", "GAN", "FD", "nats"} for t in words for w in t.split()), words
    grey = np.asarray(image.convert("L"))
    assert int(grey.max()) - int(grey.min()) > 50, "not a flat picture"


@needs_cjk
def test_a_label_with_a_missing_glyph_falls_back_and_is_reported() -> None:
    png_font.forget()
    assert CJK is not None and png_font.covers(CJK, "モード崩壊")
    private = "\ue000"  # a private-use character no font maps
    assert not png_font.covers(CJK, private)
    png_font.font_for(f"ラベル{private}")
    assert png_font.missing_note() is not None and "fonts-noto-cjk" in png_font.missing_note()
    png_font.forget()
    png_font.font_for("ラベル")
    assert png_font.missing_note() is None


def test_the_font_search_names_the_debian_package_path() -> None:
    # .ci/run installs fonts-noto-cjk; its file is the first candidate.
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "fonts-noto-cjk" in ci
    assert png_font.CANDIDATES[0] == "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
