"""Measurements beside the workload table: start-up time, the cost to
processes outside the traced tree, and where the BPF programs spend time.
"""

import json
import os
import shlex
import shutil
import statistics
import subprocess
import time

from . import configs, proc
from .suite import log, run_one


def _stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)} if values else None


def startup(fantrace, scratch, reps, timeout):
    """Wall time of `fantrace run -- true`, beside plain `true`; and how long
    fantrace processes outlive the command's return (a teardown finished in
    the background, which keeps probes attached meanwhile)."""
    run_dir = os.path.join(scratch, "startup")
    os.makedirs(run_dir, exist_ok=True)
    variants = {"true": ["true"],
                "fantrace run -- true": [fantrace, "run", "-o", f"{run_dir}/t.jsonl",
                                         "--format", "jsonl", "--", "true"],
                "fantrace run --summary-only -- true": [fantrace, "run", "--summary-only",
                                                        "--", "true"]}
    times = {k: [] for k in variants}
    lingering = []
    failures = []
    for _ in range(reps):
        for name, argv in variants.items():
            configs.settle()
            m = proc.run_measured(argv, f"{run_dir}/log", timeout)
            if m.rc != 0:
                failures.append({"variant": name, "rc": m.rc, "stderr": m.stderr_text()[-800:]})
                continue
            times[name].append(m.wall_s)
            if name != "true":
                start = time.monotonic()
                proc.wait_for(lambda: not proc.own_leftovers(), 30, interval=0.01)
                lingering.append(time.monotonic() - start)
    out = {k: _stats(v) for k, v in times.items()}
    out["teardown after return"] = _stats(lingering)
    out["failures"] = failures
    shutil.rmtree(run_dir, ignore_errors=True)
    log("[startup] " + ", ".join(f"{k}: {v['median'] * 1000:.1f} ms" for k, v in out.items()
                                 if isinstance(v, dict)))
    return out


def _traced_sleeper_ready(bg):
    """True once fantrace has released its command: the child has exec'd sleep."""
    try:
        with open(f"/proc/{bg.proc.pid}/task/{bg.proc.pid}/children") as f:
            kids = f.read().split()
        for kid in kids:
            with open(f"/proc/{kid}/comm") as f:
                if f.read().strip() == "sleep":
                    return True
    except OSError:
        pass
    return False


class BesideIdleTree(configs.Config):
    """The command runs untraced while fantrace traces an idle `sleep`."""
    name, label = "beside-idle-fantrace", "untraced, beside an idle traced tree"
    options = []

    def before(self, run_dir):
        self.bg = proc.Background([self.fantrace, "run", *self.options, "--summary-only", "--",
                                   "sleep", "1000"],
                                  f"{run_dir}/idle")
        if not proc.wait_for(lambda: _traced_sleeper_ready(self.bg) or not self.bg.alive(), 20) \
                or not self.bg.alive():
            self.bg.stop()
            raise RuntimeError("idle fantrace did not start: " + self.bg.stderr_text()[-800:])

    def after(self, run_dir, m):
        rc, cpu, hwm = self.bg.stop()
        numbers = configs.parse_text_summary(self.bg.stderr_text())
        out = {"tracer_cpu_s": cpu, "tracer_rss_kb": hwm, "lost": numbers.get("lost")}
        if rc == "killed":
            out["error"] = "idle fantrace did not stop on SIGINT"
        elif "lost" not in numbers:
            out["error"] = f"idle fantrace printed no summary (rc {rc}): " \
                + self.bg.stderr_text()[-500:]
        return out


class BesideIdleBaseline(BesideIdleTree):
    """The same beside the baseline build's idle trace (--baseline)."""
    name, label = "beside-idle-baseline", "untraced, beside the baseline build's idle traced tree"


class BesideIdleFanotify(BesideIdleTree):
    """The same beside an idle trace on the FAN_TRACE kernel mode (--fanotify)."""
    name, label = "beside-idle-fanotify", "untraced, beside an idle tree traced with --backend fanotify"
    options = ["--backend", "fanotify"]


def outside(fantrace, workload, scratch, reps, timeout, stopwatch, baseline=None, fanotify=False):
    """openclose alone vs beside an idle traced tree (and beside the
    baseline build's, and beside one traced by the fanotify backend, if
    asked), interleaved."""
    cfgs = [configs.Untraced(), BesideIdleTree(fantrace)]
    if baseline:
        cfgs.append(BesideIdleBaseline(baseline))
    if fanotify:
        cfgs.append(BesideIdleFanotify(fantrace))
    run_dir = os.path.join(scratch, "outside")
    records = []
    for rep in range(reps):
        for c in (cfgs if rep % 2 == 0 else cfgs[::-1]):
            rec = run_one(workload, c, run_dir, timeout, stopwatch)
            rec["rep"] = rep
            records.append(rec)
            log(f"[outside {rep + 1}/{reps}] {c.label}: "
                + (f"FAILED {rec['error']}" if "error" in rec else f"{rec['cmd_s']:.3f} s"))
    out = {}
    for c in cfgs:
        ok = [r["cmd_s"] for r in records if r["config"] == c.name and "error" not in r]
        out[c.name] = _stats(ok)
    if out["untraced"] and out[cfgs[1].name]:
        out["ratio"] = out[cfgs[1].name]["median"] / out["untraced"]["median"]
    if baseline and out["untraced"] and out[BesideIdleBaseline.name]:
        out["baseline_ratio"] = out[BesideIdleBaseline.name]["median"] / out["untraced"]["median"]
    if fanotify and out["untraced"] and out[BesideIdleFanotify.name]:
        out["fanotify_ratio"] = out[BesideIdleFanotify.name]["median"] / out["untraced"]["median"]
    out["failures"] = [r for r in records if "error" in r]
    out["records"] = records
    return out


def _prog_snapshot():
    r = subprocess.run(["bpftool", "prog", "show", "--json"], capture_output=True, text=True)
    return {p["id"]: p for p in json.loads(r.stdout or "[]")}


def bpf_stats(fantrace, workloads, scratch, timeout):
    """One extra fantrace run per workload with kernel.bpf_stats_enabled=1,
    snapshotting `bpftool prog show` from inside the traced tree before and
    after the workload (fantrace's programs are gone once it exits).
    Kept apart from the timed runs: the stats themselves cost time."""
    if not shutil.which("bpftool"):
        return {"error": "bpftool not found"}
    sysctl = "/proc/sys/kernel/bpf_stats_enabled"
    with open(sysctl) as f:
        previous = f.read().strip()
    before = set(_prog_snapshot())
    run_dir = os.path.join(scratch, "bpfstats")
    os.makedirs(run_dir, exist_ok=True)
    out = {}
    try:
        with open(sysctl, "w") as f:
            f.write("1")
        for w in workloads:
            w.reset()
            pre, post = f"{run_dir}/pre.json", f"{run_dir}/post.json"
            script = (f"bpftool prog show --json > {pre} && {shlex.join(w.argv())}"
                      f" && bpftool prog show --json > {post}")
            m = proc.run_measured([fantrace, "run", "--summary-only", "--", "/bin/sh", "-c", script],
                                  f"{run_dir}/log", timeout)
            if m.rc != 0 or not os.path.exists(post):
                out[w.name] = {"error": f"exit status {m.rc}: {m.stderr_text()[-500:]}"}
                continue
            with open(pre) as f:
                a = {p["id"]: p for p in json.load(f)}
            with open(post) as f:
                b = {p["id"]: p for p in json.load(f)}
            progs = []
            for pid, p in b.items():
                if pid in before or pid not in a:
                    continue
                cnt = p.get("run_cnt", 0) - a[pid].get("run_cnt", 0)
                ns = p.get("run_time_ns", 0) - a[pid].get("run_time_ns", 0)
                progs.append({"name": p.get("name"), "type": p.get("type"), "run_cnt": cnt,
                              "run_time_ns": ns, "ns_per_run": ns / cnt if cnt else None})
            progs.sort(key=lambda p: -p["run_time_ns"])
            out[w.name] = {"programs": progs, "wall_s": m.wall_s,
                           "total_bpf_ms": sum(p["run_time_ns"] for p in progs) / 1e6}
            log(f"[bpf stats] {w.name}: {out[w.name]['total_bpf_ms']:.1f} ms in BPF over "
                f"{m.wall_s:.2f} s; top: " + ", ".join(
                    f"{p['name']} {p['run_time_ns'] / 1e6:.1f} ms/{p['run_cnt']}" for p in progs[:3]))
    finally:
        with open(sysctl, "w") as f:
            f.write(previous)
        shutil.rmtree(run_dir, ignore_errors=True)
    return out
