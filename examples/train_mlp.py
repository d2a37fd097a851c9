"""Train an MLP classifier on handwritten digits with pyautograd's PyTorch-style API.

The dataset is scikit-learn's bundled 8x8 handwritten digits (1,797 images, 10 classes,
shipped inside the scikit-learn package, so nothing is downloaded). Without scikit-learn
the script says so and trains on a deterministic synthetic 10-class dataset instead.

The script is written as a PyTorch user would write it -- only the import differs:
nn.Sequential of Linear/ReLU, CrossEntropyLoss, Adam, a TensorDataset with a seeded
DataLoader, train()/eval() and no_grad() for evaluation, a checkpoint (model and optimizer
state_dicts) saved with torch.save and reloaded into a fresh model and optimizer.

Optional extras (``pip install ".[examples]"``): tqdm draws a progress bar, matplotlib
draws the loss curve. Without them the script prints progress and skips the plot.

Usage::

    python examples/train_mlp.py                      # 30 epochs, out: ./runs/train_mlp
    python examples/train_mlp.py --quick --out /tmp/x # a few-second run for CI
"""
import argparse
import os
import sys
import time

import numpy as np

import pyautograd as torch
import pyautograd.nn as nn
import pyautograd.optim as optim
from pyautograd.utils.data import DataLoader, TensorDataset

NUM_CLASSES = 10
NUM_FEATURES = 64  # 8x8 pixels
QUICK_EPOCHS = 3
QUICK_MIN_ACCURACY = 0.80  # chance is 0.10


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=30, help="passes over the training set (default 30)")
    p.add_argument("--batch-size", type=int, default=32, help="samples per step (default 32)")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate (default 1e-3)")
    p.add_argument("--seed", type=int, default=0, help="seeds weight init and shuffling (default 0)")
    p.add_argument("--out", default=os.path.join("runs", "train_mlp"),
                   help="directory for checkpoint.pt and loss_curve.png (default ./runs/train_mlp)")
    p.add_argument("--tensorboard", metavar="DIR",
                   help="also log the losses and accuracy to TensorBoard event files in DIR (needs tensorboard)")
    p.add_argument("--quick", action="store_true",
                   help=f"a short run for CI: {QUICK_EPOCHS} epochs, fails unless test accuracy "
                        f">= {QUICK_MIN_ACCURACY:.0%}".replace("%", "%%"))  # argparse %-formats help
    args = p.parse_args(argv)
    if args.quick:
        args.epochs = QUICK_EPOCHS
    return args


def synthetic_digits(n=1797, seed=0):
    """A deterministic stand-in for the digits: 10 random 8x8 prototypes plus pixel noise.

    Values lie in [0, 16] like the real digits. It only keeps the script runnable without
    scikit-learn: the classes are about as separable as the real digits' (a linear model
    scores ~98% on either), but it says nothing about handwriting.
    """
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(0, 16, size=(NUM_CLASSES, NUM_FEATURES))
    y = np.arange(n) % NUM_CLASSES
    x = np.clip(prototypes[y] + rng.normal(0, 8, size=(n, NUM_FEATURES)), 0, 16)
    return x, y


def load_data():
    """Returns (x, y, name): features in [0, 16] of shape (n, 64), labels 0..9, the dataset's name."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        print("scikit-learn is not installed: training on a SYNTHETIC dataset instead of the "
              "handwritten digits (pip install scikit-learn for the real data)")
        x, y = synthetic_digits()
        return x, y, "synthetic"
    digits = load_digits()
    return digits.data, digits.target, "digits"


def split(x, y, test_fraction=0.2, seed=0):
    """A fixed shuffled train/test split (independent of --seed, so runs share a test set)."""
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(len(x) * test_fraction)
    test, train = order[:n_test], order[n_test:]

    def tensors(idx):
        # Pixels are 0..16: scaling to [0, 1] is all the preprocessing the MLP needs.
        return (torch.tensor(x[idx] / 16.0, dtype=torch.float32),
                torch.tensor(y[idx], dtype=torch.int64))
    return tensors(train), tensors(test)


def build_model():
    """The classifier: 64 -> 128 -> 64 -> 10 with ReLU between the layers."""
    return nn.Sequential(
        nn.Linear(NUM_FEATURES, 128), nn.ReLU(),
        nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, NUM_CLASSES),
    )


def build_optimizer(model, lr):
    """Adam over all of the model's parameters."""
    return optim.Adam(model.parameters(), lr=lr)


def evaluate(model, loader, criterion):
    """Mean loss and accuracy over `loader`, in eval mode and without building a graph."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            logits = model(xb)
            total_loss += criterion(logits, yb).item() * len(yb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
            count += len(yb)
    model.train()
    return total_loss / count, correct / count, correct


def progress_bar(total):
    """A tqdm bar over `total` epochs, or None when tqdm is not installed (the loop prints)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="epoch", dynamic_ncols=True)


def plot_losses(history, path):
    """Writes the loss curve PNG; returns False (and says why) when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no loss curve (pip install matplotlib)")
        return False
    fig, ax = plt.subplots(figsize=(7, 4))
    steps_per_epoch = len(history["step_loss"]) / len(history["train_loss"])
    steps = np.arange(1, len(history["step_loss"]) + 1) / steps_per_epoch
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    ax.plot(steps, history["step_loss"], color="tab:blue", alpha=0.25, lw=0.8, label="train (per step)")
    ax.plot(epochs, history["train_loss"], color="tab:blue", marker="o", ms=3, label="train (epoch mean)")
    ax.plot(epochs, history["test_loss"], color="tab:orange", marker="o", ms=3, label="test")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.set_title(f"MLP on {history['dataset']}: test accuracy {history['test_acc'][-1]:.2%}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def check_checkpoint(path, model, optimizer, args, test_loader, criterion, expected_acc, train_batch):
    """Reloads the checkpoint into a fresh model and optimizer and checks that nothing was lost.

    The reloaded model must score exactly the trained one's accuracy, and one more training
    step from both (same batch) must give identical weights -- which holds only if the
    optimizer's state (Adam's moments and step count) came back too.
    """
    checkpoint = torch.load(path)
    fresh_model = build_model()
    fresh_optimizer = build_optimizer(fresh_model, args.lr)
    fresh_model.load_state_dict(checkpoint["model"])
    fresh_optimizer.load_state_dict(checkpoint["optimizer"])
    _, reloaded_acc, _ = evaluate(fresh_model, test_loader, criterion)
    if reloaded_acc != expected_acc:
        sys.exit(f"checkpoint check FAILED: reloaded accuracy {reloaded_acc:.4f} != trained {expected_acc:.4f}")
    xb, yb = train_batch
    for m, opt in ((model, optimizer), (fresh_model, fresh_optimizer)):
        opt.zero_grad()
        criterion(m(xb), yb).backward()
        opt.step()
    diff = max((a - b).abs().max().item() for a, b in zip(model.parameters(), fresh_model.parameters()))
    if diff != 0:
        sys.exit(f"checkpoint check FAILED: one resumed step differs by {diff:g}")
    print(f"checkpoint reloaded into a fresh model and optimizer: accuracy {reloaded_acc:.2%} (same), "
          "one resumed step identical")


def tensorboard_writer(logdir):
    """A SummaryWriter for --tensorboard DIR, or None (not asked for, or tensorboard missing)."""
    if not logdir:
        return None
    try:
        from pyautograd.utils.tensorboard import SummaryWriter
        return SummaryWriter(logdir)
    except ImportError as exc:
        print(f"--tensorboard: {exc}; training without TensorBoard logs")
        return None


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)

    x, y, dataset = load_data()
    (x_train, y_train), (x_test, y_test) = split(x, y)
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(args.seed))
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=512)
    print(f"dataset: {dataset}, {len(x_train)} train / {len(x_test)} test samples, "
          f"{NUM_FEATURES} features, {NUM_CLASSES} classes")

    model = build_model()
    optimizer = build_optimizer(model, args.lr)
    criterion = nn.CrossEntropyLoss()
    print(model)
    print(f"{sum(p.numel() for p in model.parameters())} parameters; Adam lr={args.lr}, "
          f"batch size {args.batch_size}, {args.epochs} epochs, seed {args.seed}")

    history = {"dataset": dataset, "step_loss": [], "train_loss": [], "test_loss": [], "test_acc": []}
    writer = tensorboard_writer(args.tensorboard)
    bar = progress_bar(args.epochs)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        epoch_start = time.perf_counter()
        model.train()
        epoch_loss = 0.0
        for xb, yb in train_loader:
            loss = criterion(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            history["step_loss"].append(loss.item())
            epoch_loss += history["step_loss"][-1] * len(yb)
        history["train_loss"].append(epoch_loss / len(x_train))
        test_loss, test_acc, _ = evaluate(model, test_loader, criterion)
        history["test_loss"].append(test_loss)
        history["test_acc"].append(test_acc)
        if writer is not None:
            writer.add_scalars("loss", {"train": history["train_loss"][-1], "test": test_loss}, epoch)
            writer.add_scalar("accuracy/test", test_acc, epoch)
        stats = dict(train_loss=f"{history['train_loss'][-1]:.4f}", test_loss=f"{test_loss:.4f}",
                     test_acc=f"{test_acc:.2%}")
        if bar is not None:
            bar.set_postfix(stats)
            bar.update()
        else:
            print(f"epoch {epoch:3d}/{args.epochs}  " + "  ".join(f"{k} {v}" for k, v in stats.items())
                  + f"  ({time.perf_counter() - epoch_start:.2f} s)")
    if bar is not None:
        bar.close()
    if writer is not None:
        writer.close()
        print(f"TensorBoard logs: {args.tensorboard} (tensorboard --logdir {args.tensorboard})")
    train_time = time.perf_counter() - start

    _, test_acc, correct = evaluate(model, test_loader, criterion)
    checkpoint_path = os.path.join(args.out, "checkpoint.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "epoch": args.epochs, "dataset": dataset, "test_accuracy": test_acc}, checkpoint_path)
    print(f"checkpoint: {checkpoint_path}")
    check_checkpoint(checkpoint_path, model, optimizer, args, test_loader, criterion, test_acc,
                     next(iter(train_loader)))
    plot_path = os.path.join(args.out, "loss_curve.png")
    if plot_losses(history, plot_path):
        print(f"loss curve: {plot_path}")

    print(f"training: {train_time:.2f} s, {train_time / args.epochs:.3f} s per epoch "
          f"({len(train_loader)} steps per epoch)")
    print(f"test accuracy: {test_acc:.2%} ({correct}/{len(x_test)}) on {dataset} after {args.epochs} epochs")
    if args.quick and test_acc < QUICK_MIN_ACCURACY:
        sys.exit(f"--quick: test accuracy {test_acc:.2%} is below {QUICK_MIN_ACCURACY:.0%}")


if __name__ == "__main__":
    main()
