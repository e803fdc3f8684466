"""The app in a browser tab (``gkentei-vae serve``), on textual-serve.

Imports neither textual nor torch: the server only starts one app process
(``gkentei-vae home``) per browser tab and relays its terminal stream.
"""

DEFAULT_MAX_SESSIONS = 4
"""Tabs (app processes) at once by default: each costs ~0.7 GB once its demos run."""
