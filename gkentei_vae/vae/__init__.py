"""The bundled models: VAE, data, training, checkpoints, and the demos' computations (torch)."""
