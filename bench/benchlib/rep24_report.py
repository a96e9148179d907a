"""bench/rep24's report: REP '24's layout (overhead per workload and
collector, geometric mean per collector) from a results.json."""

import json
import math

from .report import _f, _table

# Geometric-mean overheads REP '24 published (its Table: strace, CARE, RR,
# ReproZip, fsatrace), measured on the paper's machine, not ours.
PAPER_GEOMEAN_PCT = {"strace -f": 66, "CARE": 45, "RR": 146, "ReproZip": 193, "fsatrace": 0}

TARGET_GEOMEAN_PCT = 3.0
TARGET_MAX_RATIO = 1.20


def geomean(ratios):
    ratios = [r for r in ratios if r and r > 0]
    if not ratios:
        return None
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def _pct(ratio):
    return "—" if ratio is None else f"{100 * (ratio - 1):+.1f}%"


def collector_stats(res, key="cmd_ratio"):
    """config name -> (geomean ratio, max ratio, workload of the max, n)."""
    out = {}
    for c in res["configs"]:
        ratios = {w: t[c["name"]].get(key) for w, t in res["table"].items()
                  if c["name"] in t and t[c["name"]].get(key)}
        if not ratios:
            continue
        worst = max(ratios, key=ratios.get)
        out[c["name"]] = (geomean(ratios.values()), ratios[worst], worst, len(ratios))
    return out


def _overhead_table(res, key, title, note):
    cfgs = [c for c in res["configs"] if c["name"] != "untraced"]
    header = ["class", "workload", "untraced (s)"] + [c["label"] for c in cfgs]
    rows = []
    for w, table in res["table"].items():
        base = table.get("untraced", {})
        cells = []
        for c in cfgs:
            row = table.get(c["name"])
            if row is None:
                cells.append("not run")
            elif row.get(key) is None:
                cells.append("fails" if row["failures"] else "—")
            else:
                cells.append(_pct(row[key]) + (f" ({row['failures']} failed)" if row["failures"] else ""))
        secs = base.get(key.replace("_ratio", "_s"))
        rows.append([res["meta"]["classes"].get(w, ""), w, _f(secs["median"] if secs else None, 3)]
                    + cells)
    stats = collector_stats(res, key)
    rows.append(["", "**geometric mean**", ""] + [f"**{_pct(stats[c['name']][0])}**"
                                                  if c["name"] in stats else "—" for c in cfgs])
    return f"## {title}\n\n{note}\n\n" + _table(header, rows)


def _paper(res):
    stats = collector_stats(res)
    labels = {c["name"]: c["label"] for c in res["configs"]}
    rows = [[name, f"{pct}%", "paper's machine (REP '24), its own workload sizes"]
            for name, pct in PAPER_GEOMEAN_PCT.items()]
    for name, (g, worst, wname, n) in stats.items():
        if name != "untraced":
            rows.append([labels[name], _pct(g), f"this run, {n} workloads (worst: {wname} {_pct(worst)})"])
    return ("## Beside the paper\n\nThe paper's numbers are from its machine and its "
            "workload sizes; ours from this run. Only the ratios compare.\n\n"
            + _table(["collector", "geometric-mean overhead", "measured on"], rows))


def _fantrace(res):
    rows, problems = [], []
    for w, table in res["table"].items():
        for name in ("fantrace", "fantrace-daemon"):
            row = table.get(name)
            if not row:
                continue
            ev = row.get("events") or {}
            rows.append([w, name, _f(row.get("cmd_ratio")), _f(row.get("wall_ratio")),
                         _f(ev.get("median"), 0) if ev else "—",
                         "—" if row.get("lost_max") is None else row["lost_max"]])
    stats = collector_stats(res)
    for name in ("fantrace", "fantrace-daemon"):
        if name not in stats:
            continue
        g, worst, wname, _ = stats[name]
        problems.append(f"- {name}: geometric-mean overhead {_pct(g)} (target ≤ "
                        f"{TARGET_GEOMEAN_PCT:.0f}%: {'met' if 100 * (g - 1) <= TARGET_GEOMEAN_PCT else 'MISSED'}); "
                        f"worst workload {wname} {worst:.3f} (target ≤ {TARGET_MAX_RATIO:.2f}: "
                        f"{'met' if worst <= TARGET_MAX_RATIO else 'MISSED'})")
    if "floor" in stats:
        g, worst, wname, _ = stats["floor"]
        problems.append(f"- floor (fantrace's programs on the same tracepoints, returning at "
                        f"once): geometric-mean overhead {_pct(g)}, worst workload {wname} "
                        f"{worst:.3f}. No collector on syscall tracepoints goes below it; "
                        f"fantrace's own work is the difference")
    return ("## fantrace: targets, events and loss\n\n" + "\n".join(problems) + "\n\n"
            + _table(["workload", "config", "cmd ratio", "wall ratio", "events (median)",
                      "lost (max)"], rows))


def markdown(res):
    m = res["meta"]
    out = [f"# bench/rep24: {m['date']}\n",
           f"`{m['command']}` on {m['host']} ({m['cpus']} CPUs, kernel {m['kernel']}), "
           f"fantrace {m['fantrace_commit']}; {m['reps']} repetitions ({m['tool_reps']} for the "
           f"slow collectors), interleaved; scratch on {m['scratch_fs']}. Other load on the "
           f"machine: median {_f(m.get('other_cpu_median'), 1)}% of the CPUs.\n"]
    for n in m.get("notes", []):
        out.append(f"- {n}")
    out.append("")
    out.append(_paper(res))
    out.append(_overhead_table(
        res, "cmd_ratio", "Overhead per workload (the command's own wall time)",
        "Measured by bench/workloads/stopwatch.c inside the traced tree: what tracing costs "
        "the work, without the collector's own start-up and teardown. Overhead = median "
        "traced / median untraced - 1."))
    out.append(_overhead_table(
        res, "wall_ratio", "Overhead per workload (wall time of the whole collector run)",
        "From the collector's start to its exit, as REP '24 timed it: includes loading, "
        "attaching and detaching BPF programs (fantrace in process: about half a second on "
        "this VM; through fantraced, which keeps them loaded, a socket round trip) or "
        "archiving (CARE)."))
    out.append(_fantrace(res))
    out.append("## Workloads\n\n" + _table(
        ["workload", "class", "what", "size", "REP '24 definition it follows"],
        [[w["name"], w["class"], w["about"], w["size"], w["source"]] for w in m["workloads"]]))
    failed = res.get("failed_runs", [])
    if failed:
        out.append("## Failed runs\n")
        for r in failed:
            out.append(f"- {r['workload']} / {r['config']}: {r.get('error', '')[:300]}")
    return "\n".join(out) + "\n"


def write(res, out_dir):
    with open(f"{out_dir}/results.json", "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
    with open(f"{out_dir}/report.md", "w") as f:
        f.write(markdown(res))
