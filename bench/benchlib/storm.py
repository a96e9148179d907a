"""The storm: the highest file-event rate fantrace delivers without loss.

bench/workloads/storm.c offers a paced rate of open+close pairs from
several processes. A first trial runs it flat out; if fantrace loses
nothing there, the machine cannot make events faster than fantrace takes
them and that rate is the answer (reported as "at least"). Otherwise a
bisection on the offered rate finds the highest rate with zero loss.
Loss is allowed here (it is what is being measured) and never fails the
benchmark; a crash or a missing summary does.
"""

import json
import os
import re
import shutil

from . import configs, proc
from .suite import log, read_stopwatch


def _parse_storm(text):
    m = re.search(r"ops=(\d+) seconds=([\d.]+)", text)
    return (int(m.group(1)), float(m.group(2))) if m else (None, None)


def delivered_events(summary):
    """Events the reader took from the ring buffer, from the summary."""
    for key in ("events", "emitted", "records", "delivered"):
        if isinstance(summary.get(key), int):
            return summary[key]
    return None


class Storm:
    def __init__(self, fantrace, programs, scratch, procs, seconds, timeout):
        self.fantrace = fantrace
        self.program, self.stopwatch = programs["storm"], programs["stopwatch"]
        self.dir = os.path.join(scratch, "storm")
        self.procs, self.seconds, self.timeout = procs, seconds, timeout
        self.failures = []

    def trial(self, mode, rate):
        """mode: 'untraced', 'merge' or 'no-merge'. rate: offered
        open+close pairs/s (0 = flat out)."""
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        run_dir = self.dir + "-run"
        shutil.rmtree(run_dir, ignore_errors=True)
        os.makedirs(run_dir)
        cmd = [self.stopwatch, f"{run_dir}/stopwatch.txt",
               self.program, self.dir, str(self.procs), str(self.seconds), str(int(rate))]
        if mode != "untraced":
            jsonl = f"{run_dir}/trace.jsonl"
            extra = ["--no-merge"] if mode == "no-merge" else []
            cmd = [self.fantrace, "run", "--format", "jsonl", "-o", jsonl] + extra + ["--"] + cmd
        configs.settle()
        m = proc.run_measured(cmd, f"{run_dir}/log", self.timeout)
        ops, secs = _parse_storm(m.stdout_text())
        t = {"mode": mode, "offered_ops_per_s": rate, "rc": m.rc, "wall_s": m.wall_s,
             "ops": ops, "seconds": secs,
             "ops_per_s": ops / secs if ops and secs else None}
        if mode != "untraced":
            t.update(self._read_jsonl(f"{run_dir}/trace.jsonl"))
            sw = read_stopwatch(f"{run_dir}/stopwatch.txt")
            if sw:
                t["tracer_cpu_s"] = max(0.0, m.cpu_s - sw["cmd_cpu_s"])
            t["tracer_rss_kb"] = m.top_hwm_kb
            if t.get("events") is not None and secs:
                t["events_per_s"] = t["events"] / secs
        if m.timed_out or m.rc != 0 or ops is None or ("lost" not in t and mode != "untraced"):
            t["error"] = (f"timed out" if m.timed_out else f"exit status {m.rc}") \
                + f"; stderr: {m.stderr_text()[-800:]}"
            self.failures.append(t)
        shutil.rmtree(run_dir, ignore_errors=True)
        log(f"[storm {mode}] offered {int(rate) or 'max'}/s: "
            + (f"FAILED {t['error'][:300]}" if "error" in t else
               f"{(t['ops_per_s'] or 0):,.0f} open+close/s"
               + (f", delivered {t.get('events_per_s', 0):,.0f} events/s, lost {t.get('lost')}"
                  if mode != "untraced" else "")))
        return t

    def _read_jsonl(self, path):
        if not os.path.exists(path):
            return {}
        summary = {}
        try:
            summary = json.loads(configs.last_line(path))
        except ValueError:
            pass
        if summary.get("type") != "summary":
            return {"events": configs.count_lines(path)}
        # Counted in the file: every line but the summary is one event.
        return {"lost": summary.get("lost"), "events": configs.count_lines(path) - 1,
                "summary": configs.compact_summary(summary)}

    def search(self, mode, steps):
        trials = [self.trial(mode, 0)]
        first = trials[0]
        result = {"mode": mode, "trials": trials}
        if "error" in first or first["ops_per_s"] is None:
            result["error"] = first.get("error", "no rate")
            return result
        if first.get("lost") == 0:
            result.update(best=first, bound="at least (the generator's flat-out rate)")
            return result
        lo, hi, best = 0.0, first["ops_per_s"], None
        for _ in range(steps):
            mid = (lo + hi) / 2
            t = self.trial(mode, mid)
            trials.append(t)
            if "error" in t:
                break
            # Good: nothing lost and the offered rate was actually produced.
            if t.get("lost") == 0 and (t["ops_per_s"] or 0) >= 0.9 * mid:
                lo, best = mid, t
            else:
                hi = mid
        result.update(best=best, bound=f"bisection, {steps} steps" if best else
                      "no lossless rate found")
        return result


def run(fantrace, programs, scratch, quick, timeout):
    seconds, steps = (1, 2) if quick else (3, 6)
    s = Storm(fantrace, programs, scratch, procs=4, seconds=seconds, timeout=timeout)
    out = {"procs": s.procs, "seconds": seconds,
           "untraced": s.trial("untraced", 0),
           "no-merge": s.search("no-merge", steps),
           "merge": s.search("merge", steps)}
    out["failures"] = s.failures
    shutil.rmtree(s.dir, ignore_errors=True)
    return out
