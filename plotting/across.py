"""Figures across runs: cache misses against callback count, rcu_barrier()/unload time against
CPUs, and the trivial-callback fraction against reclaim cycles."""
from collections import defaultdict

import numpy as np

from .common import Skip, path_style, plt, save
from .data import CACHE_LEVELS, safe_name, variants

PATH_DASH = {"kfree_rcu": "-", "trivial_kfree": "--", "trivial_cache_free": "-.", "nontrivial": ":"}


def _log2_x(ax, xs, label):
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [f"{x:g}" for x in xs])
    ax.minorticks_off()
    ax.set_xlabel(label)


def _groups(runs, exclude):
    """[(title suffix, file suffix, runs)] by scenario name, then by other differing keys."""
    by_name = defaultdict(list)
    for r in runs:
        by_name[r.name].append(r)
    out = []
    for name in sorted(by_name):
        for label, rs in variants(by_name[name], exclude):
            title = name + (f" ({label})" if label else "")
            out.append((title, safe_name(name + ("-" + label if label else "")), rs))
    return out


def _levels(dicts):
    seen = {k for d in dicts for k in d}
    return [lv for lv in CACHE_LEVELS if lv in seen] + sorted(seen - set(CACHE_LEVELS))


def cache_misses(runs, outdir):
    """Misses per reclaimed object against objects.types (= distinct callbacks), per level and path."""
    have = [r for r in runs if any(isinstance(p.get("cache_misses_per_object"), dict)
                                   for p in r.metric("paths", {}).values())]
    if not have:
        raise Skip("no run has metrics.paths.<path>.cache_misses_per_object")
    images = []
    for title, suffix, rs in _groups(have, ("objects.types", "seed")):
        if len({r.param("objects.types") for r in rs}) < 2:
            continue  # one callback count compares nothing (e.g. a sweep over other keys)
        acc = defaultdict(list)  # (path, level, types) -> misses per object, one per run (seeds)
        for r in rs:
            for p, m in r.metric("paths", {}).items():
                for lv, v in (m.get("cache_misses_per_object") or {}).items():
                    acc[(p, lv, r.param("objects.types"))].append(v)
        levels = _levels([{lv: 1 for _, lv, _ in acc}])
        paths = sorted({p for p, _, _ in acc})
        types = sorted({t for _, _, t in acc})
        ncol = 2 if len(levels) > 1 else 1
        nrow = (len(levels) + ncol - 1) // ncol
        fig, axes = plt.subplots(nrow, ncol, figsize=(5.2 * ncol, 3.4 * nrow + 0.6), squeeze=False)
        for ax, lv in zip(axes.flat, levels):
            for p in paths:
                pts = [(t, np.mean(acc[(p, lv, t)])) for t in types if (p, lv, t) in acc]
                if pts:
                    ax.plot(*zip(*pts), marker="o", color=path_style(p), ls=PATH_DASH.get(p, "-"),
                            label=f"{p}, {lv}")
            _log2_x(ax, types, "distinct callback functions (objects.types)")
            ax.set_ylabel(f"{lv} misses per reclaimed object")
            ax.set_ylim(bottom=0)
            ax.set_title(f"{lv} misses")
            ax.legend()
        for ax in list(axes.flat)[len(levels):]:
            ax.set_visible(False)
        fig.suptitle(f"Cache misses per reclaimed object against callback count — {title}")
        images.append(save(fig, outdir, f"cache_misses-{suffix}", f"cache misses vs callback count, {title}"))
    if not images:
        raise Skip("no scenario has cache-model runs at two or more objects.types")
    return images


def _barrier_points(r):
    """[(series, latency ns)] of one run for the barrier/unload figure."""
    waits = [m["unload_wait_ns"] for m in r.metric("modules", []) or []
             if m.get("unload_wait_ns") is not None]
    if r.metric("rcu_barrier.count", 0) > 0:
        pts = [("rcu_barrier() p50", r.metric("rcu_barrier.latency_ns.p50")),
               ("rcu_barrier() p99", r.metric("rcu_barrier.latency_ns.p99"))]
        return pts + ([("module unload wait", max(waits))] if waits else [])
    if not waits:
        return []
    only = r.param("objects.kfree_rcu") == 1.0
    return [("kfree_rcu only: unload wait" if only else "unload wait, no rcu_barrier()", max(waits))]


def barrier_unload(runs, outdir):
    """rcu_barrier() latency and module-unload wait against machine.cpus, all such runs in one figure."""
    acc = defaultdict(list)  # (scenario name, series) -> {cpus: [ns]}
    for r in runs:
        for series, ns in _barrier_points(r):
            if ns is not None:
                acc[(r.name, series)].append((r.param("machine.cpus"), ns))
    if not acc:
        raise Skip("no run has metrics.rcu_barrier.count > 0 or a module with unload_wait_ns")
    names = {n for n, _ in acc}
    fig, ax = plt.subplots()
    styles = {"rcu_barrier() p50": ("tab:purple", "-", "o"), "rcu_barrier() p99": ("tab:purple", "--", "^"),
              "module unload wait": ("tab:red", "-", "s"),
              "kfree_rcu only: unload wait": ("tab:blue", "-", "D"),
              "unload wait, no rcu_barrier()": ("tab:gray", "-", "v")}
    allx, ally = set(), []
    for (name, series), pts in sorted(acc.items()):
        by_x = defaultdict(list)
        for x, ns in pts:
            by_x[x].append(ns)
        xs = sorted(by_x)
        ys = [np.mean(by_x[x]) / 1e3 for x in xs]
        allx.update(xs)
        ally += ys
        color, ls, marker = styles.get(series, (None, "-", "o"))
        ax.plot(xs, ys, color=color if len(names) == 1 else None, ls=ls, marker=marker,
                label=series if len(names) == 1 else f"{name}: {series}")
    _log2_x(ax, sorted(allx), "simulated CPUs (machine.cpus)")
    positive = [y for y in ally if y > 0]
    if positive and max(positive) / min(positive) > 50:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.set_ylabel("latency (µs)")
    ax.set_title("rcu_barrier() latency and module-unload wait against CPUs"
                 + (f" — {next(iter(names))}" if len(names) == 1 else ""))
    ax.legend()
    return [save(fig, outdir, "barrier_unload", "rcu_barrier() and module unload vs CPUs")]


def _total(r, per_object):
    """Sum over reclaim paths of per_object(path metrics) * reclaimed; None when no path has it."""
    vals = [per_object(m) * m.get("reclaimed", 0) for m in r.metric("paths", {}).values()
            if per_object(m) is not None]
    return sum(vals) if vals else None


MODES = {0.0: ("call_rcu + trivial callbacks", "tab:orange"), 1.0: ("kfree_rcu", "tab:blue")}


def trivial_fraction(runs, outdir):
    """Total reclaim cycles (and misses) with kfree-only callbacks through call_rcu() or kfree_rcu(),
    at each share of kfree-only types (objects.kfree_only)."""
    have = [r for r in runs
            if r.param("objects.kfree_rcu") in MODES and r.param("objects.kfree_only") is not None
            and _total(r, lambda m: m.get("cycles_per_object")) is not None]
    if not have:
        raise Skip("no run with objects.kfree_rcu = 0 or 1 and per-path cycles")
    images, lone = [], []
    for title, suffix, rs in _groups(have, ("objects.kfree_only", "objects.kfree_rcu", "seed")):
        if len({(r.param("objects.kfree_only"), r.param("objects.kfree_rcu")) for r in rs}) < 2:
            lone.append(title)  # one bar compares nothing
            continue
        levels = _levels([m.get("cache_misses_per_object") or {}
                          for r in rs for m in r.metric("paths", {}).values()])
        panels = [("total reclaim cycles", lambda m: m.get("cycles_per_object"))]
        panels += [(f"total {lv} misses", lambda m, lv=lv: (m.get("cache_misses_per_object") or {}).get(lv))
                   for lv in levels]
        fracs = sorted({r.param("objects.kfree_only") for r in rs})
        fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels) + 1, 4.6), squeeze=False)
        for ax, (ylabel, per_obj) in zip(axes.flat, panels):
            for k, (mode, (label, color)) in enumerate(MODES.items()):
                xs, ys = [], []
                for i, f in enumerate(fracs):
                    vals = [_total(r, per_obj) for r in rs
                            if r.param("objects.kfree_only") == f and r.param("objects.kfree_rcu") == mode]
                    vals = [v for v in vals if v is not None]
                    if vals:
                        xs.append(i + (k - 0.5) * 0.38)
                        ys.append(np.mean(vals))
                if xs:
                    ax.bar(xs, ys, width=0.38, color=color, label=label)
            ax.set_xticks(range(len(fracs)), [f"{f:.0%}" for f in fracs])
            ax.set_xlabel("kfree-only callback types (objects.kfree_only)")
            ax.set_ylabel(f"{ylabel} (count)" if "misses" in ylabel else f"{ylabel} (cycles)")
            ax.set_title(ylabel)
            ax.legend()
        fig.suptitle(f"Trivial-callback share against reclaim cost — {title}")
        images.append(save(fig, outdir, f"trivial_fraction-{suffix}",
                           f"trivial-callback share vs reclaim cost, {title}"))
    if not images:
        raise Skip(f"no scenario has two runs differing in objects.kfree_only or objects.kfree_rcu "
                   f"(single runs: {'; '.join(lone)})")
    return images


FLAVOR_STYLE = {"classic": ("tab:red", "o"), "tree": ("tab:green", "s")}


def _callback_p50(r):
    """Queue-to-free p50 over the reclaim paths, weighted by objects reclaimed (ns)."""
    pts = [(m["reclaimed"], m["latency_ns"]["p50"]) for p, m in r.metric("paths", {}).items()
           if p not in ("barrier", "failed") and m.get("reclaimed")]
    n = sum(w for w, _ in pts)
    return sum(w * v for w, v in pts) / n if n else None


FLAVOR_PANELS = [
    ("grace-period latency p50 (ms)", lambda r: r.metric("grace_periods.latency_ns.p50"), 1e6),
    ("callback latency p50 (ms)", _callback_p50, 1e6),
    ("RCU's own cycles per grace period", lambda r: r.metric("rcu_work.cycles_per_gp"), 1),
    ("waiting for RCU's locks per grace period (µs)",
     lambda r: sum(l.get("wait_ns_per_gp", 0) for l in r.metric("locks", {}).values()), 1e3),
]


def classic_vs_tree(runs, outdir):
    """Grace-period and callback latency, RCU's cycles and lock waits per grace period against
    machine.cpus, one line per RCU flavour (a sweep over machine.cpus and rcu.flavor)."""
    have = [r for r in runs if r.metric("rcu_work") is not None and r.param("rcu.flavor")
            and r.param("machine.cpus") is not None]
    images = []
    for title, suffix, rs in _groups(have, ("machine.cpus", "rcu.flavor", "seed")):
        flavors = sorted({r.param("rcu.flavor") for r in rs})
        if len(flavors) < 2 or len({r.param("machine.cpus") for r in rs}) < 2:
            continue
        fig, axes = plt.subplots(2, 2, figsize=(11, 7.6))
        for ax, (ylabel, value, scale) in zip(axes.flat, FLAVOR_PANELS):
            ys_all = []
            for fl in flavors:
                by_x = defaultdict(list)
                for r in rs:
                    v = value(r) if r.param("rcu.flavor") == fl else None
                    if v is not None:
                        by_x[r.param("machine.cpus")].append(v / scale)
                xs = sorted(by_x)
                ys = [np.mean(by_x[x]) for x in xs]
                ys_all += ys
                color, marker = FLAVOR_STYLE.get(fl, (None, "o"))
                ax.plot(xs, ys, color=color, marker=marker, label=fl)
            _log2_x(ax, sorted({r.param("machine.cpus") for r in rs}), "busy CPUs (machine.cpus)")
            positive = [y for y in ys_all if y > 0]
            if positive and max(positive) / min(positive) > 50:
                ax.set_yscale("log")
            else:
                ax.set_ylim(bottom=0)
            ax.set_ylabel(ylabel)
            ax.set_title(ylabel)
            ax.legend()
        fig.suptitle(f"Classic RCU (2.6.27) against Tree RCU (v6.6) — {title}")
        images.append(save(fig, outdir, f"classic_vs_tree-{suffix}",
                           f"classic against tree RCU vs CPUs, {title}"))
    if not images:
        raise Skip("no scenario ran with two RCU flavours at two CPU counts (metrics.rcu_work)")
    return images
