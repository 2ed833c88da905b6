"""A replayed trace (`rcusim replay`): traced against simulated grace periods and callback latency."""
import csv

import numpy as np

from .common import Skip, cdf_points, fmt_ns, plt, save, time_unit

SIDES = (("traced", "tab:gray", "--"), ("simulated", "tab:blue", "-"))


def read_by_source(path, column):
    """replay_gp.csv / replay_latency.csv -> {"traced": sorted array, "simulated": sorted array}."""
    out = {"traced": [], "simulated": []}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["source"], []).append(int(row[column]))
    return {k: np.sort(np.array(v, dtype=np.int64)) for k, v in out.items()}


def _panel(ax, data, what):
    present = [v for v in data.values() if len(v)]
    if not present:
        ax.text(0.5, 0.5, f"no {what} in the trace or the run", ha="center", va="center",
                transform=ax.transAxes)
        return
    div, unit = time_unit(max(v[-1] for v in present))
    for side, color, ls in SIDES:
        v = data.get(side, [])
        if not len(v):
            continue
        x, y = cdf_points(v)
        ax.step(x / div, y, where="post", color=color, ls=ls, marker="." if len(x) < 50 else None,
                label=f"{side} (n={len(v)}, p50 {fmt_ns(np.percentile(v, 50))}, "
                      f"p99 {fmt_ns(np.percentile(v, 99))})")
    ax.set_xlabel(f"{what} ({unit})")
    ax.set_ylabel("fraction ≤ x")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right")


def replay_cdf(run, outdir):
    """Two CDF panels: grace-period durations and queue-to-invoke latency, traced and simulated."""
    gp, lat = run.file("replay_gp.csv"), run.file("replay_latency.csv")
    if not gp or not lat:
        raise Skip("no replay_gp.csv / replay_latency.csv (not a replay)")
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.8))
    _panel(a1, read_by_source(gp, "duration_ns"), "grace period, start to end")
    _panel(a2, read_by_source(lat, "latency_ns"), "callback latency, queued to invoked")
    fig.suptitle(f"Replayed trace: traced against simulated — {run.rel}", fontsize=11)
    return save(fig, outdir, f"replay-{run.ident}", "replayed trace: grace periods and callback latency",
                run.ident)
