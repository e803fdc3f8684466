"""The bundled models run in a child process, so the UI process never imports torch.

``import torch`` holds the GIL for hundreds of milliseconds at a time (measured: gaps
of up to ~320 ms in a 10 ms UI tick while it was imported in a background thread), and
a live training run competes with the UI for the interpreter. In a child process
neither can stall a key press.

- ``client.py``: the UI side (``ModelClient``): starts a private child when asked (or,
  in a ``serve`` tab, connects to serve's shared one), sends requests, lets go after an
  idle time; numpy only.
- ``worker.py``: the child (``python -m gkentei_vae.model_process.worker``): warms the
  models, then serves the computations that ``gkentei_vae.demo_registry`` names, to one
  client on its stdin/stdout or to every tab's app on serve's socket.
- ``launch.py``: its command line (imports nothing heavy: serve uses it).
- ``wire.py``: the frames between them: JSON plus raw numpy buffers, never pickles.
"""
