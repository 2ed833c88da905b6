"""Figures of one run: latency CDFs, memory waiting for reclaim, and the race timeline."""
import numpy as np

from .common import Skip, cdf_points, fmt_ns, path_style, plt, save, time_unit, byte_unit
from .data import read_events, read_latencies, read_series


def _cdf_axes(ax, unit):
    ax.set_ylabel("fraction of objects ≤ x")
    ax.set_xlabel(f"latency ({unit})")
    ax.set_ylim(0, 1.02)
    for q in (0.5, 0.99):
        ax.axhline(q, color="gray", lw=0.6, ls=":")


def latency_cdf(run, outdir):
    """Queue-to-free latency CDF, one line per reclaim path, from latencies.csv."""
    path = run.file("latencies.csv")
    if not path:
        raise Skip("no latencies.csv")
    lat = read_latencies(path)
    if not lat:
        raise Skip("latencies.csv has no rows (nothing reclaimed)")
    div, unit = time_unit(max(v[-1] for v in lat.values()))
    fig, ax = plt.subplots()
    for p, v in lat.items():
        x, y = cdf_points(v)
        label = f"{p} (n={len(v)}, p50 {fmt_ns(np.percentile(v, 50))}, p99 {fmt_ns(np.percentile(v, 99))})"
        ax.step(x / div, y, where="post", color=path_style(p), label=label)
    _cdf_axes(ax, unit)
    ax.set_title(f"Queue-to-free latency per reclaim path — {run.rel}")
    ax.legend(loc="lower right")
    return save(fig, outdir, f"latency_cdf-{run.ident}", "queue-to-free latency CDF", run.ident)


def gp_cdf(run, outdir, gp_lat):
    """Grace-period latency CDF (start to end of each gp number, from events.csv)."""
    if gp_lat is None:
        raise Skip("no events.csv")
    if len(gp_lat) == 0:
        raise Skip("events.csv has no completed grace period")
    div, unit = time_unit(gp_lat[-1])
    fig, ax = plt.subplots()
    x, y = cdf_points(gp_lat)
    label = (f"{len(gp_lat)} grace periods (p50 {fmt_ns(np.percentile(gp_lat, 50))}, "
             f"p99 {fmt_ns(np.percentile(gp_lat, 99))}, max {fmt_ns(gp_lat[-1])})")
    ax.step(x / div, y, where="post", color="tab:purple", label=label, marker="." if len(x) < 50 else None)
    _cdf_axes(ax, unit)
    ax.set_xlabel(f"grace-period latency, start to end ({unit})")
    ax.set_ylabel("fraction of grace periods ≤ x")
    ax.set_title(f"Grace-period latency — {run.rel}")
    ax.legend(loc="lower right")
    return save(fig, outdir, f"gp_cdf-{run.ident}", "grace-period latency CDF", run.ident)


def waiting(run, outdir):
    """Objects and bytes queued but not yet freed, over simulated time (series.csv)."""
    path = run.file("series.csv")
    if not path:
        raise Skip("no series.csv")
    t, objs, nbytes = read_series(path)
    if len(t) < 2:
        raise Skip("series.csv has fewer than two samples")
    div, unit = time_unit(t[-1])
    bdiv, bunit = byte_unit(nbytes.max())
    fig, (a1, a2) = plt.subplots(2, 1, sharex=True, figsize=(8.5, 5.5))
    a1.step(t / div, objs, where="post", color="tab:blue", label="objects waiting")
    a1.set_ylabel("objects")
    a2.step(t / div, nbytes / bdiv, where="post", color="tab:red", label="bytes waiting")
    a2.set_ylabel(bunit)
    a2.set_xlabel(f"simulated time ({unit})")
    for a in (a1, a2):
        a.legend(loc="upper right")
        a.set_ylim(bottom=0)
    a1.set_title(f"Memory waiting for reclaim (queued, not yet freed) — {run.rel}")
    return save(fig, outdir, f"waiting-{run.ident}", "memory waiting for reclaim", run.ident)


# event -> (legend label, scatter style, vertical offset inside the CPU's lane)
MARKERS = {  # drawn in this order: the module's own call_rcu() callbacks last, on top
    "rcu_kvfree_callback": ("queued: kfree_rcu()", dict(marker="|", color="tab:cyan", s=70), -0.27),
    "rcu_callback": ("queued: call_rcu()", dict(marker="|", color="tab:blue", s=110, linewidths=2), -0.27),
    "rcu_donelist": ("moved to donelist", dict(marker="s", color="tab:orange", s=45), 0.0),
    "rcu_invoke_kvfree_callback": ("invoked: kfree_rcu", dict(marker="o", color="tab:olive", s=16), 0.27),
    "rcu_invoke_callback": ("invoked: callback", dict(marker="o", color="tab:green", s=22), 0.27),
    "module_load": ("module load", dict(marker="^", color="black", s=80), 0.0),
    "module_unload": ("module unload", dict(marker="v", color="black", s=130), 0.0),
}
SPANS = {"busy": ("busy (CPU hog)", "0.55", None), "rcu_barrier": ("rcu_barrier()", "tab:purple", "//")}
MAX_EVENTS = 50_000  # keep the figure legible: the last events before the race, if more


def _spans(ev, kind, t_end):
    """(cpu, start, end) from start/end event pairs; an open span runs to t_end."""
    open_, out = {}, []
    for t, cpu, e, detail in ev:
        if e != kind:
            continue
        if detail.startswith("start"):
            open_[cpu] = t
        elif detail.startswith("end") and cpu in open_:
            out.append((cpu, open_.pop(cpu), t))
    out += [(cpu, t0, t_end) for cpu, t0 in open_.items()]
    return out


def timeline(run, outdir, has_race):
    """One lane per CPU: callbacks queued, moved, invoked; GP ends; busy and rcu_barrier() spans;
    module unload and the oops, in simulated µs."""
    path = run.file("events.csv")
    if not path or not has_race:
        raise Skip("no module_unload or oops event in events.csv")
    ev = read_events(path)
    race = [t for t, _, e, _ in ev if e in ("module_unload", "oops")]
    t_end = max(t for t, *_ in ev)
    markers = [x for x in ev if x[2] in MARKERS and x[0] <= max(race)]
    t0 = markers[-MAX_EVENTS][0] if len(markers) > MAX_EVENTS else 0
    ev = [x for x in ev if x[0] >= t0 or x[2] in SPANS]
    cpus = sorted({c for _, c, _, _ in ev if c >= 0} | set(range(int(run.param("machine.cpus", 1)))))
    fig, ax = plt.subplots(figsize=(11, min(2.6 + 0.9 * len(cpus), 14)))
    us = 1e3
    for kind, (label, color, hatch) in SPANS.items():
        for i, (cpu, a, b) in enumerate(_spans(ev, kind, t_end)):
            ax.broken_barh([(max(a, t0) / us, (b - max(a, t0)) / us)], (cpu - 0.42, 0.84), facecolor=color,
                           alpha=0.25, hatch=hatch, edgecolor=color if hatch else None,
                           label=label if i == 0 else None)
    gp_ends = [t for t, _, e, d in ev if e == "rcu_grace_period" and d == "end"]
    for i, t in enumerate(gp_ends):
        ax.axvline(t / us, color="gray", ls="--", lw=0.8, label="GP ends" if i == 0 else None)
    for kind, (label, style, dy) in MARKERS.items():
        pts = [(t, c) for t, c, e, _ in ev if e == kind]
        if pts:
            ax.scatter([t / us for t, _ in pts], [max(c, 0) + dy for _, c in pts], label=label,
                       zorder=3, **style)
    for t, c, e, d in ev:
        if e == "module_unload":
            ax.annotate(f"unload {d}".strip(), (t / us, max(c, 0)), xytext=(6, -14),
                        textcoords="offset points",
                        fontsize=8)
    oops = [(t, c, d) for t, c, e, d in ev if e == "oops"]
    for i, (t, c, d) in enumerate(oops):
        ax.scatter([t / us], [max(c, 0)], marker="X", s=380, color="red", zorder=4,
                   label="oops" if i == 0 else None)
        ax.annotate(f"oops at {t / us:,.1f} µs", (t / us, max(c, 0)), xytext=(-14, 12), ha="right",
                    textcoords="offset points", color="red", fontsize=10, fontweight="bold")
    ax.set_yticks(cpus, [f"CPU {c}" for c in cpus])
    ax.set_ylim(max(cpus) + 0.6, min(cpus) - 0.6)  # CPU 0 on top
    ax.set_xlabel("simulated time (µs)")
    ax.grid(axis="y", visible=False)
    ax.set_title(f"Race timeline — {run.rel}: {run.summary.get('outcome', '?')}"
                 + (f" (events before {t0 / us:,.0f} µs not shown)" if t0 else ""))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5, frameon=False)
    return save(fig, outdir, f"timeline-{run.ident}", "race timeline", run.ident)
