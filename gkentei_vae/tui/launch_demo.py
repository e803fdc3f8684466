"""`gkentei-vae demo ID`: one demo on its own screen, with its own model process."""

from __future__ import annotations

from gkentei_vae.tui.app import GkenteiApp
from gkentei_vae.tui.demo_screen import HELP_KEYS


def demo_app(demo_id: str, seed: int = 0, **args: object) -> GkenteiApp:
    """The app that shows one demo (the model process is started by ``run``)."""

    def first() -> object:
        if demo_id == "kl-training":
            from gkentei_vae.tui.kl_training_screen import KlTrainingScreen

            return KlTrainingScreen(seed, **args)
        from gkentei_vae.tui.demo_screen import DemoScreen

        return DemoScreen(demo_id, seed, **args)

    return GkenteiApp(first, HELP_KEYS)  # type: ignore[arg-type]


def run_demo_app(demo_id: str, seed: int = 0) -> int:
    return demo_app(demo_id, seed).run() or 0
