"""The bundled models: VAE, GAN, digit classifier, data, training, checkpoints, judge (torch)."""
