"""Finding rcusim runs under a results directory and reading their files (README "Result files")."""
import csv
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RECLAIM_PATHS = ("kfree_rcu", "trivial_kfree", "trivial_cache_free", "nontrivial", "barrier", "failed")
CACHE_LEVELS = ("L1I", "L1D", "L2", "LLC")


def get(d, dotted, default=None):
    """d["a"]["b"][0]... for "a.b.0"; default when any step is missing or null."""
    for part in dotted.split("."):
        if isinstance(d, dict) and part in d:
            d = d[part]
        elif isinstance(d, list) and part.isdigit() and int(part) < len(d):
            d = d[int(part)]
        else:
            return default
    return default if d is None else d


def flatten(d, prefix=""):
    """Nested scenario JSON -> {"objects.types": 16, ...}; lists of tables by index."""
    out = {}
    items = d.items() if isinstance(d, dict) else enumerate(d)
    for k, v in items:
        key = f"{prefix}{k}"
        if isinstance(v, (dict, list)) and v:
            out.update(flatten(v, key + "."))
        else:
            out[key] = json.dumps(v, sort_keys=True)
    return out


def natural_key(text):
    """"types-4" before "types-16", as rcusim merge orders sweep points."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", text)]


def safe_name(text):
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", text).strip("-") or "run"


@dataclass
class Run:
    dir: Path
    rel: str  # path below the results directory, "." for the directory itself
    summary: dict
    ident: str = ""  # unique, usable in file names
    notes: list = field(default_factory=list)

    @property
    def scenario(self):
        return self.summary.get("scenario", {})

    @property
    def name(self):
        return self.scenario.get("name", self.dir.name)

    def param(self, dotted, default=None):
        return get(self.scenario, dotted, default)

    def metric(self, dotted, default=None):
        return get(self.summary.get("metrics", {}), dotted, default)

    def file(self, name):
        p = self.dir / name
        return p if p.is_file() and p.stat().st_size > 0 else None


def find_runs(root):
    """Every directory at any depth below root (root included) holding a summary.json, in path order.

    Half-written run directories (rcusim's .tmp-PID / .old-PID) are ignored."""
    root = Path(root)
    runs = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted((d for d in dirnames if not re.search(r"\.(tmp|old)-\d+$", d)), key=natural_key)
        if "summary.json" not in filenames:
            continue
        d = Path(dirpath)
        try:
            with open(d / "summary.json") as f:
                summary = json.load(f)
        except (OSError, ValueError) as e:
            print(f"skip   {d}: unreadable summary.json ({e})")
            continue
        rel = str(d.relative_to(root))
        runs.append(Run(d, rel, summary))
    for r in runs:
        r.ident = safe_name(r.rel.replace(os.sep, "--") if r.rel != "." else root.resolve().name)
    return runs


def read_latencies(path):
    """latencies.csv -> {reclaim path: sorted numpy array of queue-to-free latency (ns)}."""
    by_path = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            by_path.setdefault(row["path"], []).append(int(row["latency_ns"]))
    return {p: np.sort(np.array(v, dtype=np.int64)) for p, v in sorted(by_path.items())}


def read_series(path):
    """series.csv -> (time_ns, waiting_objects, waiting_bytes) as numpy arrays."""
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    return data[:, 0], data[:, 1], data[:, 2]


RACE_EVENTS = ("module_unload", "oops")


def scan_events(path):
    """One cheap pass over events.csv: grace-period latencies (ns, from start/end rows with the
    same gp number) and whether the run has race events (module_unload, oops)."""
    starts, lat, race = {}, [], False
    with open(path, newline="") as f:
        next(f, None)
        for line in f:
            if "rcu_grace_period" in line:
                row = next(csv.reader([line]))
                if row[8] == "start":
                    starts[row[3]] = int(row[0])
                elif row[8] == "end" and row[3] in starts:
                    lat.append(int(row[0]) - starts.pop(row[3]))
            elif not race and any(f",{e}," in line for e in RACE_EVENTS):
                race = True
    return np.sort(np.array(lat, dtype=np.int64)), race


def read_events(path):
    """events.csv -> list of (time_ns, cpu or -1, event, detail), for the race timeline."""
    out = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            cpu = int(row["cpu"]) if row.get("cpu", "").lstrip("-").isdigit() else -1
            out.append((int(row["time_ns"]), cpu, row["event"], row.get("detail") or ""))
    return out


def variants(runs, exclude):
    """Split runs by the scenario keys that differ among them, except `exclude` (prefixes).

    Returns [(label, runs)], label "" when nothing else varies."""
    flat = [flatten(r.scenario) for r in runs]
    keys = sorted({k for f in flat for k in f})
    vary = [k for k in keys
            if not any(k == e or k.startswith(e + ".") for e in exclude)
            and len({f.get(k) for f in flat}) > 1]
    groups = {}
    for r, f in zip(runs, flat):
        label = ", ".join(f"{k}={_plain(f.get(k))}" for k in vary)
        groups.setdefault(label, []).append(r)
    return sorted(groups.items())


def _plain(v):
    return "none" if v is None else v.strip('"')
