"""Train the PyTorch MNIST example's convolutional Net on handwritten digits with pyautograd.

The data is scikit-learn's bundled 8x8 digits (1,797 images, nothing downloaded), upsampled
bilinearly to MNIST's 28x28 so the Net runs unchanged: conv 1->32 3x3, conv 32->64 3x3,
max_pool 2, dropout 0.25, fc 9216->128, dropout 0.5, fc 128->10, log_softmax + nll_loss,
trained with Adam. Without scikit-learn the script says so and trains on deterministic
synthetic 28x28 images instead.

Written as a PyTorch user writes it: replace the three pyautograd imports by torch's and
the script runs under PyTorch. It saves a checkpoint (model and optimizer state_dicts),
reloads it into a fresh model and checks the accuracy, and draws the loss/accuracy curves
when matplotlib is installed (a tqdm progress bar when tqdm is).

Usage::

    python examples/train_cnn.py                      # 8 epochs, >= 97% test accuracy
    python examples/train_cnn.py --quick --out /tmp/x # a short run for CI
"""
import argparse
import os
import sys
import time

import numpy as np

import pyautograd as torch
import pyautograd.nn as nn
import pyautograd.nn.functional as F
import pyautograd.optim as optim
from pyautograd.utils.data import DataLoader, TensorDataset

SIZE = 28
QUICK_EPOCHS, QUICK_SAMPLES = 2, 600
QUICK_MIN_ACCURACY = 0.80  # chance is 0.10


class Net(nn.Module):
    """The PyTorch MNIST example's model."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=8, help="passes over the training set (default 8)")
    p.add_argument("--batch-size", type=int, default=64, help="samples per step (default 64)")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate (default 1e-3)")
    p.add_argument("--seed", type=int, default=0, help="seeds weight init, dropout and shuffling (default 0)")
    p.add_argument("--out", default=os.path.join("runs", "train_cnn"),
                   help="directory for checkpoint.pt and curves.png (default ./runs/train_cnn)")
    p.add_argument("--quick", action="store_true",
                   help=f"a short run for CI: {QUICK_EPOCHS} epochs on {QUICK_SAMPLES} training images, fails "
                        f"unless test accuracy >= {QUICK_MIN_ACCURACY:.0%}%")
    args = p.parse_args(argv)
    if args.quick:
        args.epochs = QUICK_EPOCHS
    return args


def upsample(images, size=SIZE):
    """Bilinear resize of (n, h, w) images to (n, size, size), pixel centres aligned (as
    F.interpolate(mode='bilinear', align_corners=False) for upsampling)."""
    def weights(n_in):
        pos = np.clip((np.arange(size) + 0.5) * n_in / size - 0.5, 0, n_in - 1)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        m = np.zeros((size, n_in))
        m[np.arange(size), lo] += 1 - (pos - lo)
        m[np.arange(size), hi] += pos - lo
        return m
    mh, mw = weights(images.shape[1]), weights(images.shape[2])
    return np.einsum("ih,nhw,jw->nij", mh, images, mw)


def synthetic_digits(n=1797, seed=0):
    """A deterministic stand-in: 10 random 8x8 prototypes plus noise (values in [0, 16])."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(0, 16, size=(10, 8, 8))
    y = np.arange(n) % 10
    return np.clip(prototypes[y] + rng.normal(0, 6, size=(n, 8, 8)), 0, 16), y


def load_data():
    """(images (n, 8, 8) in [0, 16], labels, dataset name)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        print("scikit-learn is not installed: training on a SYNTHETIC dataset instead of the "
              "handwritten digits (pip install scikit-learn for the real data)")
        x, y = synthetic_digits()
        return x, y, "synthetic"
    digits = load_digits()
    return digits.images, digits.target, "digits"


def split(images, y, test_fraction=0.2, seed=0):
    """A fixed shuffled train/test split, upsampled to 28x28 and normalized like MNIST."""
    order = np.random.default_rng(seed).permutation(len(images))
    n_test = int(len(images) * test_fraction)
    x = upsample(images / 16.0)
    x = (x - 0.1307) / 0.3081  # the MNIST example's normalization

    def tensors(idx):
        return (torch.tensor(x[idx, None], dtype=torch.float32), torch.tensor(y[idx], dtype=torch.int64))
    return tensors(order[n_test:]), tensors(order[:n_test])


def evaluate(model, loader):
    """(mean nll loss, accuracy, correct count) over loader, in eval mode without a graph."""
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb)
            total += F.nll_loss(out, yb, reduction="sum").item()
            correct += (out.argmax(dim=1) == yb).sum().item()
            count += len(yb)
    model.train()
    return total / count, correct / count, correct


def progress_bar(total):
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="step", dynamic_ncols=True)


def plot_curves(history, path):
    """Loss and accuracy per epoch to a PNG; False (and why) without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)")
        return False
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(epochs, history["train_loss"], marker="o", label="train")
    a.plot(epochs, history["test_loss"], marker="o", label="test")
    a.set_xlabel("epoch")
    a.set_ylabel("nll loss")
    a.set_yscale("log")
    a.legend()
    b.plot(epochs, np.array(history["test_acc"]) * 100, marker="o", color="tab:green")
    b.set_xlabel("epoch")
    b.set_ylabel("test accuracy (%)")
    fig.suptitle(f"MNIST example Net on {history['dataset']}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    images, y, dataset = load_data()
    (x_train, y_train), (x_test, y_test) = split(images, y)
    if args.quick:
        x_train, y_train = x_train[:QUICK_SAMPLES], y_train[:QUICK_SAMPLES]
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(args.seed))
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=256)
    print(f"dataset: {dataset} upsampled to {SIZE}x{SIZE}, {len(x_train)} train / {len(x_test)} test images")

    model = Net()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    print(model)
    print(f"{sum(p.numel() for p in model.parameters())} parameters; Adam lr={args.lr}, batch {args.batch_size}, "
          f"{args.epochs} epochs, seed {args.seed}")

    history = {"dataset": dataset, "train_loss": [], "test_loss": [], "test_acc": []}
    bar = progress_bar(args.epochs * len(train_loader))
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        total = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.nll_loss(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            if bar is not None:
                bar.set_postfix(epoch=epoch, loss=f"{loss.item():.4f}")
                bar.update()
        history["train_loss"].append(total / len(x_train))
        test_loss, test_acc, _ = evaluate(model, test_loader)
        history["test_loss"].append(test_loss)
        history["test_acc"].append(test_acc)
        if bar is None:
            print(f"epoch {epoch:2d}/{args.epochs}  train_loss {history['train_loss'][-1]:.4f}  "
                  f"test_loss {test_loss:.4f}  test_acc {test_acc:.2%}  ({time.perf_counter() - start:.1f} s)")
    if bar is not None:
        bar.close()
    train_time = time.perf_counter() - start

    _, test_acc, correct = evaluate(model, test_loader)
    path = os.path.join(args.out, "checkpoint.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": args.epochs,
                "test_accuracy": test_acc}, path)
    fresh = Net()
    fresh.load_state_dict(torch.load(path)["model"])
    _, reloaded, _ = evaluate(fresh, test_loader)
    if reloaded != test_acc:
        sys.exit(f"checkpoint check FAILED: reloaded accuracy {reloaded:.4f} != trained {test_acc:.4f}")
    print(f"checkpoint: {path} (reloaded into a fresh Net: same accuracy)")
    plot_path = os.path.join(args.out, "curves.png")
    if plot_curves(history, plot_path):
        print(f"plot: {plot_path}")
    print(f"training: {train_time:.1f} s, {train_time / args.epochs:.2f} s per epoch "
          f"({len(train_loader)} steps per epoch)")
    print(f"test accuracy: {test_acc:.2%} ({correct}/{len(x_test)}) on {dataset} after {args.epochs} epochs")
    if args.quick and test_acc < QUICK_MIN_ACCURACY:
        sys.exit(f"--quick: test accuracy {test_acc:.2%} is below {QUICK_MIN_ACCURACY:.0%}")


if __name__ == "__main__":
    main()
