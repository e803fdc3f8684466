"""Exports of the quiz banks to other study tools (no textual, no torch).

Submodules import their third-party writer (e.g. genanki) themselves, so importing
this package stays free of them.
"""
