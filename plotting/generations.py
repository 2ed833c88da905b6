"""kfree_rcu() across its generations (reclaim.kfree_rcu): grace periods (per second for
rcuscale's test, against the published rates), memory
waiting for reclaim, queue-to-free latency and the reclaim cost per object (cycles, L1D and L1I
misses), one bar per generation, for each scenario swept over them."""
from collections import defaultdict

import numpy as np

from .common import Skip, byte_unit, path_style, plt, save
from .data import safe_name, variants

ORDER = ("rfc-2008", "3.0", "5.6", "5.7", "6.1", "6.3", "6.12")
# rcuscale's kfree test as published (e6e78b004fa7): grace periods per second without batching
# (3.0's one call_rcu() per object) and with 5.6's.
PUBLISHED_GPS = {"3.0": 9133 / 11.5, "5.6": 1732 / 12.5}
# Keys that differ between the points of one figure without splitting it.
SWEPT = ("reclaim.kfree_rcu", "rcuscale.kfree_loops", "seed", "drain")


def _gps(r):
    """rcuscale's grace periods per second (batches over its time) when it ran, else the grace
    periods of the whole run (a drain of 5 * HZ makes a rate per simulated second meaningless)."""
    rs = r.metric("rcuscale")
    if rs and rs.get("total_time_ns"):
        return rs["batches"] * 1e9 / rs["total_time_ns"]
    return r.metric("grace_periods.completed")


def _waiting(r):
    """(peak bytes waiting for reclaim, rcuscale's footprint in bytes or None)."""
    rs = r.metric("rcuscale")
    return r.metric("waiting_for_reclaim.peak_bytes"), (rs["memory_footprint_mb"] << 20) if rs else None


def _path(r, path, key, level=None):
    m = r.metric(f"paths.{path}") or {}
    v = m.get(key)
    return (v or {}).get(level) if level else v


def _panel(ax, gens, series, ylabel, title):
    """series: [(label, color, {gen: value})] as grouped bars."""
    width = 0.8 / max(1, len(series))
    drawn = False
    for k, (label, color, vals) in enumerate(series):
        xs = [i + (k - (len(series) - 1) / 2) * width for i, g in enumerate(gens) if vals.get(g) is not None]
        ys = [vals[g] for g in gens if vals.get(g) is not None]
        if ys:
            ax.bar(xs, ys, width=width, color=color, label=label)
            drawn = True
    ax.set_xticks(range(len(gens)), gens)
    ax.set_xlabel("kfree_rcu() as of (reclaim.kfree_rcu)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if drawn:
        ax.legend()


def generations(runs, outdir):
    have = [r for r in runs if r.param("reclaim.kfree_rcu") in ORDER]
    by_name = defaultdict(list)
    for r in have:
        by_name[r.name].append(r)
    images = []
    for name in sorted(by_name):
        groups = [(label, rs) for label, rs in variants(by_name[name], SWEPT)
                  if len({r.param("reclaim.kfree_rcu") for r in rs}) >= 2]
        for label, rs in groups:
            label = label if len(groups) > 1 else ""  # a lone sweep needs no qualifier
            mean = defaultdict(lambda: defaultdict(list))  # metric -> gen -> values (seeds)
            for r in rs:
                g = r.param("reclaim.kfree_rcu")
                peak, footprint = _waiting(r)
                for key, v in (("gps", _gps(r)), ("peak", peak), ("footprint", footprint),
                               ("cyc", _path(r, "kfree_rcu", "cycles_per_object")),
                               ("cyc_trivial", _path(r, "trivial_kfree", "cycles_per_object")),
                               ("l1d", _path(r, "kfree_rcu", "cache_misses_per_object", "L1D")),
                               ("l1i", _path(r, "kfree_rcu", "cache_misses_per_object", "L1I")),
                               ("l1d_trivial", _path(r, "trivial_kfree", "cache_misses_per_object", "L1D")),
                               ("l1i_trivial", _path(r, "trivial_kfree", "cache_misses_per_object", "L1I")),
                               ("p50", _path(r, "kfree_rcu", "latency_ns", "p50")),
                               ("p99", _path(r, "kfree_rcu", "latency_ns", "p99"))):
                    if v is not None:
                        mean[key][g].append(v)
            gens = [g for g in ORDER if any(g in mean[k] for k in mean)]
            m = {k: {g: float(np.mean(v)) for g, v in d.items()} for k, d in mean.items()}
            images.append(_figure(name, label, gens, m, outdir))
    if not images:
        raise Skip("no scenario has runs of two or more reclaim.kfree_rcu generations")
    return images


def _figure(name, label, gens, m, outdir):
    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    gps = [("simulated", "tab:blue", m.get("gps", {}))]  # rcuscale's rate, or the count
    if name == "rcuscale_kfree":
        gps.append(("published (e6e78b004fa7)", "tab:gray", {g: v for g, v in PUBLISHED_GPS.items() if g in gens}))
    if name == "rcuscale_kfree":
        _panel(axes[0][0], gens, gps, "grace periods per second", "Grace periods per second (rcuscale)")
    else:
        _panel(axes[0][0], gens, gps, "grace periods", "Grace periods completed")
    wait = [("peak waiting for reclaim", "tab:blue", m.get("peak", {}))]
    if m.get("footprint"):
        wait.append(("rcuscale's memory footprint", "tab:purple", m["footprint"]))
    top = max([v for _, _, d in wait for v in d.values()] or [1])
    div, unit = byte_unit(top)
    _panel(axes[0][1], gens, [(lbl, c, {g: v / div for g, v in d.items()}) for lbl, c, d in wait],
           f"bytes ({unit})", "Memory waiting for reclaim")
    _panel(axes[0][2], gens, [("p50", "tab:cyan", {g: v / 1e6 for g, v in m.get("p50", {}).items()}),
                              ("p99", "tab:blue", {g: v / 1e6 for g, v in m.get("p99", {}).items()})],
           "ms (log)", "kfree_rcu() queue-to-free latency")
    axes[0][2].set_yscale("log")
    for ax, key, what in ((axes[1][0], "cyc", "reclaim cycles"), (axes[1][1], "l1d", "L1D misses"),
                          (axes[1][2], "l1i", "L1I misses")):
        series = [("kfree_rcu()", path_style("kfree_rcu"), m.get(key, {}))]
        if m.get(key + "_trivial"):
            series.append(("call_rcu() + trivial callback", path_style("trivial_kfree"), m[key + "_trivial"]))
        if not any(s[2] for s in series):
            ax.text(0.5, 0.5, "no cache model in these runs" if key != "cyc" else "no data",
                    ha="center", va="center", transform=ax.transAxes)
        _panel(ax, gens, series, f"{what} per object", f"{what[0].upper() + what[1:]} per reclaimed object")
    title = name + (f" ({label})" if label else "")
    fig.suptitle(f"kfree_rcu() through its generations — {title}")
    suffix = safe_name(name + ("-" + label if label else ""))
    return save(fig, outdir, f"generations-{suffix}", f"kfree_rcu() generations, {title}")
