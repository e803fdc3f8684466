"""Subcommand modules: each has ``register(subparsers)`` and imports nothing heavy at import.

The handlers import the study, TUI and model code they need only when they run, so
``gkentei-vae --help`` and the quiz path stay light. Shared options and errors are in
``common.py``; ``cli.py`` lists the modules.
"""
