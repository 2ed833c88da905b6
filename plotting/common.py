"""Shared figure plumbing: saving PNG+SVG, time units, CDF sampling, and the plot report."""
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

plt.rcParams.update({
    "figure.figsize": (8.5, 4.8), "figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3,
    "axes.titlesize": 11, "legend.fontsize": 8, "svg.hashsalt": "rcusim",  # stable SVG ids
})


class Skip(Exception):
    """A plot whose data is absent: the message says why."""


@dataclass
class Image:
    base: str  # file name without extension, in the results directory
    title: str
    run: str = ""  # ident of the run it belongs to; "" for plots across runs


def save(fig, outdir, base, title, run=""):
    fig.tight_layout()
    fig.savefig(outdir / f"{base}.png")
    fig.savefig(outdir / f"{base}.svg", metadata={"Date": None})  # no timestamp: same bytes
    plt.close(fig)
    return Image(base, title, run)


def time_unit(max_ns):
    """(divisor, label) so that values up to max_ns read naturally: µs below 2 ms, else ms."""
    return (1e3, "µs") if max_ns < 2e6 else (1e6, "ms")


def cdf_points(sorted_vals, max_points=2000):
    """(x, y) of the empirical CDF, sampled at most max_points quantiles so files stay small."""
    n = len(sorted_vals)
    if n <= max_points:
        return sorted_vals, np.arange(1, n + 1) / n
    y = np.linspace(1.0 / n, 1.0, max_points)
    idx = np.minimum((y * n).astype(np.int64) - 1, n - 1).clip(0)
    return sorted_vals[idx], y


def fmt_ns(ns):
    """A duration in ns for people: "850 ns", "12.3 µs", "4.56 ms"."""
    if ns is None:
        return "–"
    ns = float(ns)
    if abs(ns) < 1e3:
        return f"{ns:.0f} ns"
    if abs(ns) < 1e6:
        return f"{ns / 1e3:.3g} µs"
    if abs(ns) < 1e9:
        return f"{ns / 1e6:.3g} ms"
    return f"{ns / 1e9:.3g} s"


def fmt_bytes(b):
    if b is None:
        return "–"
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if b >= div:
            return f"{b / div:.3g} {unit}"
    return f"{b:.0f} B"


def byte_unit(max_bytes):
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if max_bytes >= 2 * div:
            return div, unit
    return 1, "B"


def path_style(path):
    """One colour per reclaim path across every figure."""
    colors = {"kfree_rcu": "tab:blue", "trivial_kfree": "tab:orange", "trivial_cache_free": "tab:green",
              "nontrivial": "tab:red", "barrier": "tab:purple", "failed": "black"}
    return colors.get(path, "tab:gray")
