"""The bundled VAE: model, data, training, checkpoints and demo helpers.

This package itself imports nothing heavy, so that ``gkentei_vae.vae.halfblock``
(numpy only) stays usable without torch; the other modules import torch.
"""
