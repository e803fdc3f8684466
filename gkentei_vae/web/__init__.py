"""The app in a browser tab (``gkentei-vae serve``), on textual-serve.

Imports neither textual nor torch: the server only starts one app process
(``gkentei-vae home``) per browser tab and relays its terminal stream.
"""
