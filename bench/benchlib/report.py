"""Writing bench/out/report.md and bench/out/results.json.

results.json holds every run (see README, "results.json"); report.md is
derived from it alone, so a report can be rewritten from an old JSON with
`bench/run --report-only results.json`.
"""

import json

# Issue 4's targets: (what, workload or section, limit, unit).
RATIO_TARGETS = {"compile": 1.02, "untar": 1.03, "script": 1.05, "forkexec": 1.05,
                 "openclose": 1.25}
OUTSIDE_TARGET = 1.10
STORM_TARGET = 1_000_000
TRACER_CPU_PCT_TARGET = 5.0
RSS_TARGET_MIB = 64
STARTUP_TARGET_MS = 150


def _f(x, digits=2):
    return "—" if x is None else f"{x:.{digits}f}"


def _mib(kb):
    return None if kb is None else kb / 1024


def _med(stat):
    return stat["median"] if stat else None


def _ratio_cell(row, key):
    if row is None:
        return "not run"
    if row.get(key) is None:
        return "fails" if row["failures"] else "—"
    cell = _f(row[key])
    if row["failures"]:
        cell += f" ({row['failures']} failed)"
    return cell


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def _overhead(res, key, title, note):
    cfgs = [c for c in res["configs"] if c["name"] != "untraced"]
    header = ["workload", "untraced (s)"] + [c["label"] for c in cfgs]
    rows = []
    for w, table in res["table"].items():
        base = table.get("untraced", {})
        rows.append([w, _f(_med(base.get(key.replace("_ratio", "_s"))), 3)]
                    + [_ratio_cell(table.get(c["name"]), key) for c in cfgs])
    return f"## {title}\n\n{note}\n\n" + _table(header, rows)


def _details(res):
    out = ["## Per workload\n",
           "Times in seconds: median [min–max] over n runs. `cmd` is the command alone "
           "(timed inside the tree by stopwatch), `wall` the whole invocation including the "
           "tracer's start-up and final drain. Tracer CPU is the tracer's own user+sys time "
           "(time spent in BPF programs is charged to the traced command, so it shows in `cmd`); "
           "its % is of the command's CPU. `CPU ratio` compares the command's user+sys time, which "
           "other load on the machine disturbs less than wall time. RSS is the tracer process's "
           "peak (VmHWM), which counts a mapped BPF ring buffer twice over (its data pages are "
           "mapped back to back); `anon` is its peak anonymous memory (heap, stacks). "
           "`other CPU %` is the median share of the machine busy with work that was not this "
           "run's during the run.\n"]
    for w, table in res["table"].items():
        rows = []
        for c in res["configs"]:
            row = table.get(c["name"])
            if not row:
                continue
            cmd, wall = row["cmd_s"], row["wall_s"]
            rows.append([
                c["label"],
                f"{_f(_med(cmd), 3)} [{_f(cmd and cmd['min'], 3)}–{_f(cmd and cmd['max'], 3)}]",
                f"{_f(_med(wall), 3)} [{_f(wall and wall['min'], 3)}–{_f(wall and wall['max'], 3)}]",
                _f(_med(row["cmd_cpu_s"]), 3), _f(row.get("cmd_ratio")), _f(row.get("wall_ratio")),
                _f(row.get("cmd_cpu_ratio")),
                "—" if not row["events"] else f"{_med(row['events']):,.0f}",
                "—" if row["lost_max"] is None else row["lost_max"],
                _f(_med(row["other_cpu_pct"]), 0),
                _f(_med(row["tracer_cpu_s"]), 3), _f(row.get("tracer_cpu_pct"), 1),
                _f(_mib(row["tracer_rss_kb"] and row["tracer_rss_kb"]["max"]), 1),
                _f(_mib(row.get("tracer_anon_kb") and row["tracer_anon_kb"]["max"]), 1),
                f"{row['runs']}" + (f" ({row['failures']} failed)" if row["failures"] else "")])
        out.append(f"### {w}\n\n" + _table(
            ["config", "cmd s", "wall s", "cmd CPU s", "cmd ratio", "wall ratio", "CPU ratio",
             "events", "lost (max)", "other CPU %",
             "tracer CPU s", "tracer CPU %", "tracer RSS MiB", "anon MiB", "runs"], rows))
    return "\n".join(out)


def _storm(st):
    if not st:
        return ""
    out = [f"## Storm\n\n{st['procs']} processes open+close files as fast as they can, "
           f"{st['seconds']} s per trial; fantrace writes jsonl to a file. The answer is the highest "
           "rate at which fantrace lost nothing.\n"]
    u = st.get("untraced") or {}
    out.append(f"Untraced, the generator makes {_f(u.get('ops_per_s'), 0)} open+close pairs/s.\n")
    rows = []
    for mode in ("no-merge", "merge"):
        s = st.get(mode) or {}
        b = s.get("best") or {}
        rows.append([mode, _f(b.get("events_per_s"), 0), _f(b.get("ops_per_s"), 0),
                     s.get("bound", s.get("error", "—")), len(s.get("trials", []))])
    out.append(_table(["mode", "delivered events/s, zero loss", "open+close pairs/s",
                       "how found", "trials"], rows))
    trials = [t for mode in ("no-merge", "merge") for t in (st.get(mode) or {}).get("trials", [])]
    out.append("\nAll trials:\n\n" + _table(
        ["mode", "offered pairs/s", "made pairs/s", "delivered events/s", "lost", "tracer CPU s"],
        [[t["mode"], _f(t["offered_ops_per_s"], 0) if t["offered_ops_per_s"] else "max",
          _f(t.get("ops_per_s"), 0), _f(t.get("events_per_s"), 0), t.get("lost", "—"),
          _f(t.get("tracer_cpu_s"), 2)] for t in trials]))
    return "\n".join(out)


def _outside(o):
    if not o:
        return ""
    a, b = o.get("untraced"), o.get("beside-idle-fantrace")
    head = ["alone (s)", "beside idle fantrace (s)", "ratio"]
    row = [_f(_med(a), 3), _f(_med(b), 3), _f(o.get("ratio"), 3)]
    if "beside-idle-baseline" in o:
        head += ["beside the baseline build (s)", "baseline ratio"]
        row += [_f(_med(o["beside-idle-baseline"]), 3), _f(o.get("baseline_ratio"), 3)]
    if "beside-idle-fanotify" in o:
        head += ["beside idle fantrace --backend fanotify (s)", "fanotify ratio"]
        row += [_f(_med(o["beside-idle-fanotify"]), 3), _f(o.get("fanotify_ratio"), 3)]
    return ("## Outside the traced tree\n\nopenclose, untraced, alone and while "
            "`fantrace run --summary-only -- sleep 1000` runs beside it (interleaved).\n\n"
            + _table(head + ["failures"], [row + [len(o.get("failures", []))]]))


def _startup(s):
    if not s:
        return ""
    rows = [[k, _f(v["median"] * 1000, 1), _f(v["min"] * 1000, 1), _f(v["max"] * 1000, 1), v["n"]]
            for k, v in s.items() if isinstance(v, dict)]
    return "## Start-up\n\n" + _table(["command", "median ms", "min ms", "max ms", "n"], rows)


def _bpf(b):
    if not b:
        return ""
    if "error" in b:
        return f"## BPF programs\n\n{b['error']}\n"
    out = ["## BPF programs\n\nOne extra fantrace run per workload with "
           "`kernel.bpf_stats_enabled=1` (not one of the timed runs). Time is summed over all "
           "CPUs.\n"]
    for w, r in b.items():
        if "error" in r:
            out.append(f"### {w}\n\n{r['error']}\n")
            continue
        out.append(f"### {w}: {r['total_bpf_ms']:.1f} ms in BPF over a {r['wall_s']:.2f} s run\n\n"
                   + _table(["program", "type", "runs", "total ms", "ns/run"],
                            [[p["name"], p["type"], f"{p['run_cnt']:,}",
                              _f(p["run_time_ns"] / 1e6, 1), _f(p["ns_per_run"], 0)]
                             for p in r["programs"] if p["run_cnt"]]))
    return "\n".join(out)


def _targets(res):
    rows = []

    def add(what, measured, limit, ok):
        rows.append([what, measured, limit, "—" if ok is None else ("met" if ok else "MISSED")])

    for w, limit in RATIO_TARGETS.items():
        row = res["table"].get(w, {}).get("fantrace")
        r = row and row.get("cmd_ratio")
        add(f"{w}: fantrace jsonl, cmd ratio", _f(r, 3), f"≤ {limit}", None if r is None else r <= limit)
    o = (res.get("outside") or {}).get("ratio")
    add("openclose outside the traced tree", _f(o, 3), f"≤ {OUTSIDE_TARGET}",
        None if o is None else o <= OUTSIDE_TARGET)
    lost = [row.get("lost_total") for t in res["table"].values() for c, row in t.items()
            if c.startswith("fantrace") and row.get("lost_total") is not None]
    add("lost events, all workloads", sum(lost) if lost else "—", "0", sum(lost) == 0 if lost else None)
    best = ((res.get("storm") or {}).get("no-merge") or {}).get("best") or {}
    e = best.get("events_per_s")
    add("storm, no merging, zero loss (events/s)", _f(e, 0), f"≥ {STORM_TARGET:,}",
        None if e is None else e >= STORM_TARGET)
    row = res["table"].get("compile", {}).get("fantrace")
    pct = row and row.get("tracer_cpu_pct")
    add("tracer CPU on compile (% of command CPU)", _f(pct, 1), f"≤ {TRACER_CPU_PCT_TARGET}",
        None if pct is None else pct <= TRACER_CPU_PCT_TARGET)
    rss = [row["tracer_rss_kb"]["max"] for t in res["table"].values() for c, row in t.items()
           if c.startswith("fantrace") and row.get("tracer_rss_kb")]
    anon = [row["tracer_anon_kb"]["max"] for t in res["table"].values() for c, row in t.items()
            if c.startswith("fantrace") and row.get("tracer_anon_kb")]
    m = _mib(max(rss)) if rss else None
    add("tracer peak RSS, all workloads (MiB)",
        _f(m, 1) + (f" (anon {_f(_mib(max(anon)), 1)})" if anon else ""),
        f"≤ {RSS_TARGET_MIB}", None if m is None else m <= RSS_TARGET_MIB)
    s = (res.get("startup") or {}).get("fantrace run -- true")
    ms = s and s["median"] * 1000
    add("`fantrace run -- true` (ms)", _f(ms, 1), f"< {STARTUP_TARGET_MS}",
        None if ms is None else ms < STARTUP_TARGET_MS)
    return "## Targets (issue 4)\n\n" + _table(["target", "measured", "limit", ""], rows)


def _failures(res):
    fails = res.get("failed_runs") or []
    if not fails:
        return ""
    out = ["## Failed runs\n"]
    for r in fails:
        out.append(f"- {r.get('workload', r.get('mode', '?'))} / {r.get('config', '?')}: "
                   f"{r.get('error', '')[:600]}")
    return "\n".join(out) + "\n"


def markdown(res):
    m = res["meta"]
    head = (f"# fantrace benchmark report\n\n"
            f"{m['date']} · {m['host']} · kernel {m['kernel']} · {m['cpus']} CPUs · "
            f"fantrace {m['fantrace_commit']}\n\n"
            f"Command: `{m['command']}` · {'quick mode · ' if m['quick'] else ''}"
            f"{m['reps']} repetitions ({m['tool_reps']} for strace and reprozip), interleaved, "
            f"workloads on {m.get('scratch_fs', 'disk')}. "
            f"Machine busy with other work during the runs: median {_f(m.get('other_cpu_median'), 0)}% "
            f"of all CPUs, max {_f(m.get('other_cpu_max'), 0)}% (see README: above a few %, "
            "absolute times are noisy; ratios of interleaved medians still hold best). "
            f"Other tracer processes (not this benchmark's) seen at a run's start: at most "
            f"{m.get('other_tracers_max', 0)}.\n\n"
            + "".join(f"> {n}\n>\n" for n in m.get("notes", [])) + "\n")
    parts = [head, _targets(res) if not m["quick"] else "",
             _overhead(res, "cmd_ratio", "Overhead: ratio to untraced (command time)",
                       "Median time of the traced command divided by the untraced median of the "
                       "same run. What tracing costs the command itself."),
             _overhead(res, "wall_ratio", "Overhead: ratio to untraced (end to end)",
                       "Median of the whole invocation, tracer start-up and final drain "
                       "included, divided by the untraced median."),
             _overhead(res, "cmd_cpu_ratio", "Overhead: ratio to untraced (command CPU)",
                       "Median user+sys CPU of the traced command (BPF time included) divided "
                       "by the untraced median. Less disturbed than wall time when other work "
                       "shares the machine."),
             _details(res), _storm(res.get("storm")), _outside(res.get("outside")),
             _startup(res.get("startup")), _bpf(res.get("bpf_stats")), _failures(res)]
    return "\n".join(p for p in parts if p)


def write(res, out_dir):
    with open(f"{out_dir}/results.json", "w") as f:
        json.dump(res, f, indent=1, sort_keys=False, default=str)
    with open(f"{out_dir}/report.md", "w") as f:
        f.write(markdown(res))
