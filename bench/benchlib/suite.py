"""The interleaved main loop: every workload under every configuration.

Runs of one workload are interleaved (rep 1 of every configuration, then
rep 2, ...) and the configuration order rotates from one repetition to the
next, so a slow minute on a shared machine lands on all configurations
rather than on one. Ratios are taken between medians of the same run.
"""

import os
import shutil
import statistics
import sys

from . import configs, proc


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def read_stopwatch(path):
    try:
        with open(path) as f:
            wall_ns, user_us, sys_us, maxrss_kb, status = f.read().split()
    except (OSError, ValueError):
        return None
    return {"cmd_s": int(wall_ns) / 1e9, "cmd_cpu_s": (int(user_us) + int(sys_us)) / 1e6,
            "cmd_maxrss_kb": int(maxrss_kb)}


def busy_cpu_s():
    """CPU seconds the whole machine has spent busy (all CPUs, since boot)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal: all but idle and iowait
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


TRACERS = ("fantrace", "strace", "fatrace", "reprozip", "bpftrace")


def other_tracers():
    """Tracer processes that are not this benchmark's: another tracer's
    probes slow every process on the machine, untraced ones too."""
    live = {b.proc.pid for b in proc.Background.live}
    return sum(1 for pid, comm, exe in proc.processes()
               if comm in TRACERS and exe not in proc.own_exes and pid not in live)


def run_one(workload, config, run_dir, timeout, stopwatch, expect_rc=0):
    """One timed run; returns a record (a flat dict, see README)."""
    shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(run_dir)
    workload.reset()
    configs.settle()
    rec = {"workload": workload.name, "config": config.name}
    try:
        config.before(run_dir)
    except RuntimeError as e:
        rec["error"] = str(e)
        return rec
    rec["other_tracers"] = other_tracers()
    cmd = [stopwatch, f"{run_dir}/stopwatch.txt"] + workload.argv()
    busy = busy_cpu_s()
    m = proc.run_measured(config.wrap(cmd, run_dir), f"{run_dir}/log", timeout)
    busy = busy_cpu_s() - busy
    info = config.after(run_dir, m)
    rec.update(rc=m.rc, wall_s=m.wall_s, total_cpu_s=m.cpu_s)
    # Whatever else ran meanwhile (other users of a shared machine,
    # writeback): busy CPU not spent by this run's processes.
    ours = m.cpu_s
    if config.name == "fatrace":  # the background tracer is ours too
        ours += info.get("tracer_cpu_s") or 0
    if m.wall_s > 0:
        rec["other_cpu_pct"] = max(0.0, 100 * (busy - ours) / (m.wall_s * os.cpu_count()))
    sw = read_stopwatch(f"{run_dir}/stopwatch.txt")
    if sw:
        rec.update(sw)
        if config.name != "untraced":
            rec["tracer_cpu_s"] = max(0.0, m.cpu_s - sw["cmd_cpu_s"])
            rec["tracer_rss_kb"] = m.top_hwm_kb
            rec["tracer_anon_kb"] = m.top_anon_kb
    for key in ("events", "lost", "summary", "output_bytes", "tracer_cpu_s", "tracer_rss_kb"):
        if info.get(key) is not None:
            rec[key] = info[key]
    errors = []
    if m.timed_out:
        errors.append(f"timed out after {timeout} s")
    elif m.rc != expect_rc:
        errors.append(f"exit status {m.rc}, expected {expect_rc}")
    if not sw and not m.timed_out:
        errors.append("the command did not run to the end (no stopwatch record)")
    if info.get("error"):
        errors.append(info["error"])
    if m.notes:
        errors.extend(m.notes)
    if errors:
        rec["error"] = "; ".join(errors)
        rec["stderr_tail"] = m.stderr_text()[-1500:]
    shutil.rmtree(run_dir, ignore_errors=True)
    return rec


def _describe(rec):
    if "error" in rec:
        return f"FAILED: {rec['error']}"
    s = f"{rec['wall_s']:.3f} s (cmd {rec['cmd_s']:.3f} s)"
    if "events" in rec:
        s += f" events={rec['events']}"
    if "lost" in rec:
        s += f" lost={rec['lost']}"
    if "tracer_cpu_s" in rec:
        s += f" tracer_cpu={rec['tracer_cpu_s']:.3f} s"
    return s


def run_all(workloads, cfgs, reps, slow_reps, scratch, timeout, stopwatch):
    records = []
    run_dir = os.path.join(scratch, "run")
    for w in workloads:
        log(f"== {w.name} (size {w.size}): warm-up")
        warm = run_one(w, configs.Untraced(), run_dir, timeout, stopwatch)
        if "error" in warm:
            raise RuntimeError(f"workload {w.name} fails untraced: {warm['error']}\n"
                               f"{warm.get('stderr_tail', '')}")
        given_up = set()
        for rep in range(reps):
            order = cfgs[rep % len(cfgs):] + cfgs[:rep % len(cfgs)]
            for c in order:
                if c.name in given_up or (c.slow and rep >= slow_reps):
                    continue
                rec = run_one(w, c, run_dir, timeout, stopwatch)
                rec["rep"] = rep
                records.append(rec)
                log(f"[{w.name} {rep + 1}/{reps}] {c.label}: {_describe(rec)}")
                # A comparison tool that fails once fails every time; don't
                # spend the suite's time on it. fantrace is always retried.
                if "error" in rec and not c.is_fantrace:
                    given_up.add(c.name)
    return records


def _stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def summarize(records, workload_names, config_names):
    """Per workload and configuration: medians, min/max, ratios to the
    untraced median of the same run."""
    table = {}
    for w in workload_names:
        rows = {}
        for c in config_names:
            recs = [r for r in records if r["workload"] == w and r["config"] == c]
            if not recs:
                continue
            ok = [r for r in recs if "error" not in r]
            row = {"runs": len(recs), "failures": len(recs) - len(ok),
                   "errors": sorted({r["error"] for r in recs if "error" in r})}
            for key in ("wall_s", "cmd_s", "cmd_cpu_s", "events", "tracer_cpu_s", "tracer_rss_kb",
                        "tracer_anon_kb", "other_cpu_pct"):
                row[key] = _stats([r.get(key) for r in ok])
            lost = [r["lost"] for r in recs if r.get("lost") is not None]
            row["lost_max"] = max(lost) if lost else None
            row["lost_total"] = sum(lost) if lost else None
            rows[c] = row
        base = rows.get("untraced")
        for c, row in rows.items():
            for key in ("wall_s", "cmd_s", "cmd_cpu_s"):
                if base and base[key] and row[key]:
                    row[key.replace("_s", "_ratio")] = row[key]["median"] / base[key]["median"]
            if row["tracer_cpu_s"] and row["cmd_cpu_s"] and row["cmd_cpu_s"]["median"] > 0:
                row["tracer_cpu_pct"] = 100 * row["tracer_cpu_s"]["median"] / row["cmd_cpu_s"]["median"]
        table[w] = rows
    return table
