#!/usr/bin/python3
"""Plot every rcusim run under RESULTS_DIR and write RESULTS_DIR/index.html.

Reads: every directory at any depth holding summary.json (one `rcusim run`; a sweep is
DIR/<point>/summary.json), and beside it latencies.csv, events.csv and series.csv when present.

Writes into RESULTS_DIR, each as .png and .svg (<run> is the run's path with / as --):
  latency_cdf-<run>       queue-to-free latency CDF per reclaim path      (latencies.csv)
  gp_cdf-<run>            grace-period latency CDF                        (events.csv)
  waiting-<run>           objects and bytes waiting for reclaim over time (series.csv)
  timeline-<run>          per-CPU race timeline        (events.csv with module_unload or oops)
  replay-<run>            a replayed trace: grace-period and callback-latency CDFs, traced
                          against simulated          (replay_gp.csv, replay_latency.csv)
  cache_misses-<name>     misses per object vs objects.types (two or more), per level and path
                          (summary metrics.paths.*.cache_misses_per_object)
  barrier_unload          rcu_barrier() latency and module-unload wait vs machine.cpus
                          (summary metrics.rcu_barrier, metrics.modules)
  trivial_fraction-<name> total reclaim cycles (and misses) vs objects.kfree_only, call_rcu
                          (objects.kfree_rcu = 0) against kfree_rcu (objects.kfree_rcu = 1)
  classic_vs_tree-<name>  grace-period and callback latency, RCU's cycles and lock waits per
                          grace period vs machine.cpus, one line per rcu.flavor
                          (summary metrics.grace_periods, paths, rcu_work, locks)
  generations-<name>      grace periods (rcuscale's per second, beside the published), memory
                          waiting, latency, reclaim cycles and L1D/L1I misses per object vs
                          reclaim.kfree_rcu (summary metrics)
  index.html              every figure, and per run its scenario, outcome and headline numbers
A figure whose data is absent is skipped; stdout says what was written and what was skipped.
Exit status: 0, 1 when no run was found or a figure failed, 2 on bad arguments.

Needs Debian's python3-matplotlib, which serves /usr/bin/python3: run `/usr/bin/python3 plot.py DIR`.
"""
import argparse
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.dont_write_bytecode = True  # no plotting/__pycache__ in the source tree

from plotting import across, generations, per_run, replay  # noqa: E402
from plotting.common import Skip  # noqa: E402
from plotting.data import find_runs, scan_events  # noqa: E402
from plotting.page import write_index  # noqa: E402


class Report:
    def __init__(self):
        self.images, self.errors = [], 0

    def attempt(self, what, fn, *args, quiet_skip=False):
        """Runs one plot; returns the reason when skipped (printed unless quiet_skip)."""
        try:
            out = fn(*args)
        except Skip as e:
            if not quiet_skip:
                print(f"skip   {what}: {e}")
            return str(e)
        except Exception as e:  # one bad file must not cost the other figures
            self.errors += 1
            print(f"error  {what}: {type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
            return
        for img in out if isinstance(out, list) else [out]:
            self.images.append(img)
            print(f"wrote  {img.base}.png, {img.base}.svg  ({img.title})")


def plot_run(rep, r, root):
    """The per-run figures; one stdout line lists what was skipped. Returns whether it is a race run."""
    gp_lat, race = scan_events(r.file("events.csv")) if r.file("events.csv") else (None, False)
    plots = [("latency CDF", per_run.latency_cdf, ()), ("grace-period CDF", per_run.gp_cdf, (gp_lat,)),
             ("memory waiting", per_run.waiting, ())]
    if race:  # only race runs get a timeline; saying so for every other run is noise
        plots.append(("race timeline", per_run.timeline, (race,)))
    if r.file("replay.json"):  # likewise the comparison of a replayed trace
        plots.append(("replay comparison", replay.replay_cdf, ()))
    skipped = [(kind, rep.attempt(f"{kind} of {r.rel}", fn, r, root, *extra, quiet_skip=True))
               for kind, fn, extra in plots]
    if any(why for _, why in skipped):  # one line per run: sweeps have many runs
        print(f"skip   {r.rel}: " + "; ".join(f"{k}: {why}" for k, why in skipped if why))
    return race


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results_dir", metavar="RESULTS_DIR",
                    help="directory holding rcusim runs (searched recursively)")
    args = ap.parse_args()
    root = Path(args.results_dir)
    if not root.is_dir():
        ap.error(f"{root}: not a directory")
    runs = find_runs(root)
    if not runs:
        print(f"plot.py: no run (summary.json) under {root}; nothing written")
        return 1
    rep = Report()
    any_race = False
    for r in runs:
        any_race |= plot_run(rep, r, root)
    if not any_race:
        print("skip   race timeline: no run has a module_unload or oops event")
    rep.attempt("cache misses vs callback count", across.cache_misses, runs, root)
    rep.attempt("rcu_barrier() and unload vs CPUs", across.barrier_unload, runs, root)
    rep.attempt("trivial-callback share vs reclaim cycles", across.trivial_fraction, runs, root)
    rep.attempt("classic against tree RCU vs CPUs", across.classic_vs_tree, runs, root)
    rep.attempt("kfree_rcu() generations", generations.generations, runs, root)
    write_index(root, f"rcusim results: {root.resolve().name}", runs, rep.images)
    print(f"wrote  index.html ({len(runs)} runs, {len(rep.images)} figures) in {root}")
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main())
