"""The study modes' defaults, in a module that imports nothing (``--help`` shows them)."""

DEFAULT_QUIZ_COUNT = 10
"""Questions in a quiz unless the learner asks for another number."""
DEFAULT_NEW_PER_DAY = 10
"""New cards a day per family (questions, flashcards) unless ``--new`` says otherwise."""
