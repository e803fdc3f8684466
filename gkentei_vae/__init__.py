"""gkentei-vae: a G検定 study tool built around the VAE mnemonic song."""

__version__ = "0.1.0"
