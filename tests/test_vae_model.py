"""The VAE's maths: closed-form KL, the reparameterization gradients, the loss terms."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.distributions import Normal

from gkentei_vae.demos.vae_demos import reparam_gradients
from gkentei_vae.models.model import (
    VAE,
    VAEConfig,
    kl_divergence,
    preset_config,
    reconstruction_error,
    reparameterize,
)


@pytest.mark.parametrize("seed", range(5))
def test_closed_form_kl_matches_torch_distributions(seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    mu = torch.randn(7, 12, generator=gen, dtype=torch.float64) * 2
    logvar = torch.randn(7, 12, generator=gen, dtype=torch.float64) * 1.5
    q = Normal(mu, torch.exp(0.5 * logvar))
    p = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    expected = torch.distributions.kl_divergence(q, p).sum(dim=1)
    torch.testing.assert_close(kl_divergence(mu, logvar), expected)


def test_kl_is_zero_only_at_the_prior() -> None:
    zeros = torch.zeros(1, 4)
    assert kl_divergence(zeros, zeros).item() == 0.0
    assert kl_divergence(zeros + 0.1, zeros).item() > 0.0
    assert kl_divergence(zeros, zeros - 0.1).item() > 0.0


def test_rsample_gradients_are_one_for_mu_and_eps_for_sigma() -> None:
    mu = torch.tensor([0.3, -1.2, 2.0, 0.0], requires_grad=True)
    sigma = torch.tensor([1.0, 0.4, 0.1, 2.5], requires_grad=True)
    torch.manual_seed(7)
    z = Normal(mu, sigma).rsample()
    eps = ((z - mu) / sigma).detach()
    dmu, dsigma = torch.autograd.grad(z.sum(), (mu, sigma))
    torch.testing.assert_close(dmu, torch.ones(4))
    torch.testing.assert_close(dsigma, eps)
    assert not torch.allclose(eps, torch.ones(4))  # ε is real noise, not a constant


def test_our_reparameterize_passes_gradients_to_mu_and_log_variance() -> None:
    mu = torch.tensor([[0.5, -0.5, 1.5]], requires_grad=True)
    logvar = torch.tensor([[0.0, -1.0, 0.7]], requires_grad=True)
    eps = torch.tensor([[1.3, -0.4, 0.9]])
    z = reparameterize(mu, logvar, eps)
    dmu, dlogvar = torch.autograd.grad(z.sum(), (mu, logvar))
    sigma = torch.exp(0.5 * logvar.detach())
    torch.testing.assert_close(z.detach(), mu.detach() + sigma * eps)
    torch.testing.assert_close(dmu, torch.ones_like(mu))
    # z = μ + exp(½·log σ²)·ε, so ∂z/∂log σ² = ½·σ·ε, i.e. ∂z/∂σ = ε by the chain rule.
    torch.testing.assert_close(dlogvar, 0.5 * sigma * eps)


def test_plain_sample_carries_no_gradient() -> None:
    mu = torch.tensor([0.3, -1.2], requires_grad=True)
    sigma = torch.tensor([1.0, 0.4], requires_grad=True)
    x = Normal(mu, sigma).sample()
    assert not x.requires_grad
    assert x.grad_fn is None
    with pytest.raises(RuntimeError):
        x.sum().backward()
    assert mu.grad is None and sigma.grad is None


def test_reparam_demo_reports_the_same_facts() -> None:
    result = reparam_gradients(seed=3)
    assert result.dz_dmu == pytest.approx([1.0] * len(result.mu))
    assert result.dz_dsigma == pytest.approx(result.eps)
    expected_z = [m + s * e for m, s, e in zip(result.mu, result.sigma, result.eps, strict=True)]
    assert result.z == pytest.approx(expected_z)
    assert result.sample_requires_grad is False
    assert result.sample_error  # backward through sample() fails with a message
    assert reparam_gradients(seed=3).eps == result.eps
    assert reparam_gradients(seed=4).eps != result.eps


def test_reconstruction_error_is_bce_summed_over_pixels() -> None:
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 1, 28, 28, generator=gen)
    x = torch.rand(3, 1, 28, 28, generator=gen)
    expected = torch.stack(
        [F.binary_cross_entropy(torch.sigmoid(logits[i]), x[i], reduction="sum") for i in range(3)]
    )
    torch.testing.assert_close(reconstruction_error(logits, x), expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_loss_terms_are_per_image_and_beta_weights_kl(arch: str) -> None:
    torch.manual_seed(0)
    model = VAE(preset_config(arch, 8))
    x = torch.rand(5, 1, 28, 28)
    eps = torch.randn(5, 8)
    out = model(x, eps)
    assert out.logits.shape == (5, 1, 28, 28)
    assert out.mu.shape == out.logvar.shape == out.z.shape == (5, 8)
    t1 = model.loss_terms(x, 1.0, eps)
    t3 = model.loss_terms(x, 3.0, eps)
    assert t1.recon.shape == t1.kl.shape == t1.loss.shape == (5,)
    torch.testing.assert_close(t3.recon, t1.recon)
    torch.testing.assert_close(t3.loss, t1.recon + 3.0 * t1.kl)
    assert bool((t1.kl >= 0).all())


def test_config_round_trips_through_plain_types() -> None:
    config = preset_config("conv", 5)
    data = config.to_dict()
    assert all(isinstance(v, (str, int, float, list)) for v in data.values())
    assert VAEConfig.from_dict(data) == config
    with pytest.raises(ValueError, match="unknown"):
        VAEConfig.from_dict({**data, "extra": 1})
    with pytest.raises(ValueError):
        VAEConfig(arch="transformer")
