"""Study logic: quiz sessions, spaced repetition and the SQLite store (no textual, no torch)."""
