"""The app in a browser tab (``gkentei-vae serve``), on textual-serve.

Imports neither textual nor torch: the server only starts one app process
(``gkentei-vae home``) per browser tab and relays its terminal stream.
"""

MODEL_ON_DEMAND_ENV = "GKENTEI_VAE_MODEL_ON_DEMAND"
"""Set to 1 in each tab's environment: its app starts a model process at the first demo,
not at start-up (``GkenteiApp.warm_at_start``)."""
DEFAULT_MAX_SESSIONS = 4
"""Tabs (app processes) at once by default: each costs ~0.7 GB once its demos run."""
