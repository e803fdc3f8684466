"""The demos' computations and PNG renderers, run in the model process (torch, no textual)."""
