"""The live GAN screen says what it shows (issue 17): one unit (ラウンド), every average
labelled, FDs within the seed-to-seed spread called 「ほぼ同じ」, one definition of モード崩壊,
and every demo usable at 80×24 (snapshots replay recorded results, tests/replay.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.cells import cell_len

from gkentei_vae.demos import gan_demos
from tests.conftest import widget_text
from tests.replay import replay_demo, snap_demo

SMALL = (80, 24)
ROUNDS = 1000


def measured(fd: float, grey: float, classes: int, realistic: float) -> dict[str, Any]:
    """A judge's measurement with the fields the sentences read (mode collapse as judged)."""
    return {
        "samples": 1000,
        "grey": grey,
        "laplacian": 0.1,
        "histogram": [100] * 10,
        "classes": classes,
        "fd": fd,
        "realistic": realistic,
        "realistic_classes": classes,
        "mode_collapse": classes <= 2,
    }


def sentences(failing: bool, gan_fd: float, vae_fd: float) -> list[str]:
    """The sentences of a run shaped like the walkthrough's (VAE loss falling, G's rising)."""
    vae_loss = [270.0 - 155.0 * i / ROUNDS for i in range(ROUNDS)]
    g_loss = [0.89 + 0.44 * i / ROUNDS for i in range(ROUNDS)]
    d_loss = [1.1] * ROUNDS
    d_fake = [1.0 if failing else 0.78] * ROUNDS
    gan = measured(gan_fd, 0.35 if failing else 0.72, 1 if failing else 8, 0.0 if failing else 0.3)
    final = {"gan": gan, "vae": measured(vae_fd, 0.91, 10, 0.5)}
    real_spread = 0.068
    return gan_demos.live_sentences(
        vae_loss,
        g_loss,
        d_loss,
        d_fake,
        3e-4 if failing else 0.01,
        (ROUNDS // 4, 1261.0),
        final,  # type: ignore[arg-type]
        failing,
        gan_demos.STUCK_SHARE * real_spread,
    )


@pytest.mark.parametrize("failing", [False, True])
def test_sentences_count_rounds_and_label_every_average(failing: bool) -> None:
    text = "".join(sentences(failing, 536.0, 539.0))
    assert "ステップ" not in text, text  # the chart and the header count rounds
    assert "ラウンド" in text
    for losses, digits in (([270.0 - 155.0 * i / ROUNDS for i in range(ROUNDS)], 0),):
        first, last = sum(losses[:50]) / 50, sum(losses[-50:]) / 50
        for value in (first, last):
            assert f"の平均 {value:.{digits}f}" in text, (value, text)
    g_first = sum(0.89 + 0.44 * i / ROUNDS for i in range(50)) / 50
    assert f"の平均 {g_first:.2f}" in text, text
    if not failing:
        assert f"({ROUNDS // 4} ラウンド目)" in text, text  # the early FD: when, in rounds


def test_an_fd_difference_within_the_seed_spread_is_about_the_same() -> None:
    close = "".join(sentences(False, 536.0, 539.0))
    assert "ほぼ同じ" in close and "のほうが近く" not in close, close
    apart = "".join(sentences(False, 300.0, 600.0))
    assert "GAN のほうが近く" in apart and "FD は GAN 300、VAE 600 でほぼ同じ" not in apart


def test_the_failing_run_is_described_by_the_one_definition_of_mode_collapse() -> None:
    text = "".join(sentences(True, 2044.9, 1115.2))
    assert "ではなく" not in text, text
    assert "モード崩壊の極端な形" in text and "数字の種類 1/10" in text, text


async def test_gan_training_at_80x24_header_fits_and_everything_is_reachable() -> None:
    async with replay_demo("gan-training", size=SMALL) as pilot:
        screen = pilot.app.screen
        header = widget_text(screen, "#gan-status").rstrip("\n").splitlines()
        width = SMALL[0] - 2  # the status line's padding
        assert header[0].lstrip().startswith("ラウンド"), header
        assert all(cell_len(line.rstrip()) <= width for line in header), header
        assert len(header) == 2, header  # two lines: nothing wrapped
        note = widget_text(screen, "#gan-note")
        assert "1 ラウンド = VAE の学習 1 ステップ + GAN の学習 2 ステップ" in note
        scroll = screen.query_one("#gan-scroll")
        for selector in ("#gan-samples", "#gan-result"):
            widget = screen.query_one(selector)
            scroll.scroll_to_widget(widget, animate=False, top=True)
            await pilot.pause()
            assert scroll.region.overlaps(widget.region), selector
        result = re.sub(r"\s+", "", widget_text(screen, "#gan-result"))
        last = screen.records[-1]
        for sentence in last["sentences"]:
            assert re.sub(r"\s+", "", sentence) in result


@pytest.mark.parametrize("demo", ["gan-training", "gan-vs-vae", "kl-training"])
def test_snapshot_demo_at_80x24(snap_compare, demo: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_demo(snap_compare, demo, size=SMALL)


async def test_kl_training_at_80x24_reaches_its_samples() -> None:
    async with replay_demo("kl-training", size=SMALL) as pilot:
        screen = pilot.app.screen
        samples = screen.query_one("#kl-samples")
        for node in samples.ancestors_with_self:  # scroll every scrollable container to its end
            if hasattr(node, "scroll_end"):
                node.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        # Its last row can be brought on screen, above the key bar.
        last_row = samples.region.y + samples.outer_size.height - 1
        assert 0 <= last_row < SMALL[1] - 1, (samples.region, samples.outer_size)
        widget, _ = screen.get_widget_at(2, last_row)
        assert widget is samples or samples in widget.ancestors, widget
        assert "ステップ" in widget_text(screen, "#kl-phase")
