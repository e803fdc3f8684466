"""The Textual app: one screen module per mode, each with its .tcss beside it."""
