#!/usr/bin/python3
"""Regenerates this fixture for tests/test_plot_sweep.cpp: `make_fixture.py RCUSIM_BINARY`.

Real runs (small): smoke-sweep/ (scenarios/smoke.toml, 1 ms, 2 and 4 CPUs, every output file)
and fraction-sweep/ (objects.kfree_only x objects.kfree_rcu, summaries and series only).
Hand-made, following the summary.json schema of README "Result files" plus fields plot.py reads
before every scenario produces them: cache-sweep/ (metrics.paths.<path>.cache_misses_per_object),
barrier-sweep/ (metrics.rcu_barrier, metrics.modules), flavor-sweep/ (machine.cpus x rcu.flavor:
metrics.rcu_work, metrics.locks) and race/ (events.csv with busy,
rcu_barrier, module_unload and oops rows for the timeline; no latencies.csv on purpose)."""
import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def sweep(binary, out, *sets):
    shutil.rmtree(HERE / out, ignore_errors=True)
    args = [binary, "sweep", "scenarios/smoke.toml", "--out", str(HERE / out), "--jobs", "2"]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, cwd=REPO, check=True)
    (HERE / out / "sweep.json").write_text(  # no host paths in committed files
        (HERE / out / "sweep.json").read_text().replace(str(REPO) + "/", ""))


def write(rel, summary):
    d = HERE / rel
    d.mkdir(parents=True, exist_ok=True)
    (d / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")


def path_metrics(reclaimed, cycles, accesses, p50, p99, misses=None):
    m = {"queued": reclaimed, "reclaimed": reclaimed, "cycles_per_object": cycles,
         "accesses_per_object": accesses, "accesses_by_class_per_object": {},
         "latency_ns": {"count": reclaimed, "p50": p50, "p99": p99, "max": p99}}
    if misses is not None:
        m["cache_misses_per_object"] = misses
    return m


def flavor_sweep(run):
    """Both RCU flavours at three CPU counts, with the figures of classic_vs_tree.toml."""
    for cpus in (16, 64, 256):
        for flavor in ("classic", "tree"):
            s = run("flavors", "hand-made: classic against tree RCU against CPUs",
                    machine__cpus=cpus, rcu__flavor=flavor)
            tree = flavor == "tree"
            gp = 3_000_000 if tree else 2_000_000
            s["metrics"]["grace_periods"]["latency_ns"] = {"count": 4, "p50": gp, "p99": gp, "max": gp}
            s["metrics"]["paths"] = {
                "kfree_rcu": path_metrics(1000, 53.0, 5.0, 2 * gp, 3 * gp),
                "trivial_kfree": path_metrics(1000, 79.0, 6.0, 2 * gp + 100_000, 3 * gp)}
            s["metrics"]["rcu_work"] = {"softirq_cycles": 1000 * cpus, "gp_kthread_cycles": 500 * tree,
                                        "cycles_per_gp": (300.0 if tree else 250.0 + cpus) * cpus}
            lock = {"acquisitions": cpus, "contended": cpus // 2, "wait_ns": 0, "max_wait_ns": 0,
                    "hold_ns": 33 * cpus, "wait_ns_per_gp": (40.0 if tree else 0.5 * cpus) * cpus}
            s["metrics"]["locks"] = {"rcu_node_1" if tree else "rcu_ctrlblk.lock": lock}
            write(f"flavor-sweep/machine.cpus-{cpus}_rcu.flavor-{flavor}_seed-1", s)


def handmade(template):
    base = json.loads(template.read_text())
    base["metrics"].pop("cpus", None)

    def run(name, desc, **params):
        s = copy.deepcopy(base)
        s["scenario"]["name"], s["scenario"]["description"] = name, desc
        for k, v in params.items():
            sect, key = k.split("__")
            s["scenario"][sect][key] = v
        return s

    for t in (1, 4, 16, 64):  # I-cache misses of the trivial path grow with distinct callbacks
        s = run("cache_types", "hand-made: cache misses against objects.types", objects__types=t)
        def miss(l1i, l1d):
            return {"L1I": l1i, "L1D": l1d, "L2": round(l1i * 0.6, 3), "LLC": round(l1i * 0.1, 3)}
        s["metrics"]["paths"] = {
            "kfree_rcu": path_metrics(1000, 53.0, 5.0, 4_000_000, 6_000_000, miss(0.01, 0.9)),
            "trivial_kfree": path_metrics(1000, 79.0 + 20 * t ** 0.5, 6.0, 4_000_000, 6_000_000,
                                          miss(round(min(1.0, 0.02 * t), 3), 0.9))}
        write(f"cache-sweep/objects.types-{t}_seed-1", s)

    for cpus in (4, 8, 16):
        for only in (0.5, 1.0):
            s = run("unload_barrier", "hand-made: rcu_barrier() and module unload against CPUs",
                    machine__cpus=cpus, objects__kfree_rcu=only)
            barrier = only < 1.0
            lat = 1_000_000 + 150_000 * cpus
            s["metrics"]["rcu_barrier"] = {"count": int(barrier), "latency_ns": {
                "count": int(barrier), "p50": lat if barrier else 0, "p99": int(lat * 1.3) if barrier else 0,
                "max": int(lat * 1.3) if barrier else 0}}
            wait = lat + 20_000 if barrier else 2_000_000
            s["metrics"]["modules"] = [{"name": "mymod", "loaded": False, "unload_ns": 9_000_000,
                                        "unload_wait_ns": wait}]
            write(f"barrier-sweep/machine.cpus-{cpus}_objects.kfree_rcu-{only}_seed-1", s)

    flavor_sweep(run)

    s = run("unload_barrier", "hand-made: every timeline event kind (busy CPU 0, rcu_barrier() and "
            "unload on CPU 1, then the oops)", machine__cpus=2, objects__kfree_rcu=0.5)
    s.update(outcome="oops", expect="oops", simulated_ns=6_000_000, failures=[{
        "time_ns": 6_000_000, "cpu": 0, "kind": "oops",
        "message": "BUG: unable to handle kernel paging request at ffffffffa0014000"}])
    s["metrics"]["grace_periods"] = {"started": 3, "completed": 2, "latency_ns": {
        "count": 2, "p50": 1_000_000, "p99": 1_000_000, "max": 1_000_000}}
    s["metrics"]["paths"] = {"kfree_rcu": path_metrics(4, 53.0, 5.0, 2_000_000, 2_000_000),
                             "trivial_kfree": path_metrics(0, 0.0, 0.0, 0, 0),
                             "barrier": path_metrics(2, 60.0, 5.0, 1_200_000, 1_200_000)}
    s["metrics"]["paths"]["trivial_kfree"]["queued"] = 1
    s["metrics"]["rcu_barrier"] = {"count": 1, "latency_ns": {"count": 1, "p50": 1_200_000,
                                                             "p99": 1_200_000, "max": 1_200_000}}
    s["metrics"]["modules"] = [{"name": "mymod", "loaded": False, "unload_ns": 4_400_000,
                                "unload_wait_ns": 1_300_000}]
    s["metrics"]["waiting_for_reclaim"] = {"peak_objects": 7, "peak_bytes": 896, "end_objects": 1,
                                           "end_bytes": 64}
    write("race", s)
    (HERE / "race" / "events.csv").write_text(RACE_EVENTS)
    (HERE / "race" / "series.csv").write_text(
        "time_ns,waiting_objects,waiting_bytes\n" +
        "".join(f"{t * 500_000},{w},{w * 128}\n"
                for t, w in enumerate([0, 0, 6, 7, 7, 7, 5, 5, 3, 1, 1, 1, 1])))


RACE_EVENTS = """time_ns,cpu,event,gp,head,func,qlen,count,detail
1000000,0,rcu_kvfree_callback,,0xffff880000010000,16,1,,
1000100,0,rcu_kvfree_callback,,0xffff880000010100,16,2,,
1000200,0,rcu_kvfree_callback,,0xffff880000010200,16,3,,
1000300,0,rcu_kvfree_callback,,0xffff880000010300,16,4,,
1000700,0,rcu_callback,,0xffff880000020000,0xffffffffa0014000,5,,
1050000,0,busy,,,,,,"start"
1250000,1,rcu_grace_period,-299,,,,,"start"
2000000,0,rcu_grace_period,-299,,,,,"cpuqs"
2250000,1,rcu_grace_period,-299,,,,,"cpuqs"
2250000,1,rcu_grace_period,-299,,,,,"end"
3000000,0,rcu_donelist,-299,,,,,
3000500,0,rcu_batch_start,,,,5,2,
3000600,0,rcu_invoke_kvfree_callback,,0xffff880000010000,16,,,
3000700,0,rcu_invoke_kvfree_callback,,0xffff880000010100,16,,,
3000900,0,rcu_batch_end,,,,,2,
3100000,1,rcu_barrier,,,,,,"start"
3100100,1,rcu_callback,,0xffff880000030000,0xffffffff80400000,1,,
3100200,0,rcu_callback,,0xffff880000030040,0xffffffff80400000,4,,
3250000,1,rcu_grace_period,-298,,,,,"start"
4000000,0,rcu_grace_period,-298,,,,,"cpuqs"
4250000,1,rcu_grace_period,-298,,,,,"cpuqs"
4250000,1,rcu_grace_period,-298,,,,,"end"
4250100,1,rcu_donelist,-298,,,,,
4250200,1,rcu_invoke_callback,,0xffff880000030000,0xffffffff80400000,,,
4300000,1,rcu_barrier,,,,,,"end"
4400000,1,module_unload,,0xffffffffa0014000,,,,"mymod"
5000000,0,rcu_invoke_kvfree_callback,,0xffff880000010200,16,,,
5000100,0,rcu_invoke_kvfree_callback,,0xffff880000010300,16,,,
6000000,0,oops,,,,,,"BUG: unable to handle kernel paging request at ffffffffa0014000; IP: my_struct_release_rcu+0x0/0x60 [mymod] (module unloaded)"
6000000,0,busy,,,,,,"end"
"""


def main():
    binary = str(Path(sys.argv[1]).resolve())
    sweep(binary, "smoke-sweep", "duration=1ms", "machine.cpus=2,4")
    sweep(binary, "fraction-sweep", "duration=1ms", "objects.kfree_only=0.28,0.5,0.9",
          "objects.kfree_rcu=0,1", "output.events=false", "output.latencies=false")
    for d in ("cache-sweep", "barrier-sweep", "flavor-sweep", "race"):
        shutil.rmtree(HERE / d, ignore_errors=True)
    handmade(HERE / "smoke-sweep" / "machine.cpus-2_seed-1" / "summary.json")


if __name__ == "__main__":
    main()
