"""The configurations a workload runs under: untraced, fantrace, and the
tools people would otherwise use.

A configuration wraps the timed command (stopwatch + workload, see
bench/workloads/stopwatch.c), may start a background process around the
run (fatrace), and afterwards reads what the tracer recorded: how many
events, how many it lost, what it cost in CPU and memory.
"""

import json
import os
import re
import sqlite3
import time

from . import proc


def compact_summary(summary):
    """fantrace's summary without its file lists (tens of thousands of
    paths on untar): their lengths instead."""
    return {k: (len(v) if isinstance(v, list) else v) for k, v in summary.items()}


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


def last_line(path):
    """The file's last line, however long (fantrace's summary lists every
    file the tree touched)."""
    with open(path, "rb") as f:
        end = f.seek(0, os.SEEK_END)
        tail, pos = b"", end
        while pos > 0:
            step = min(1 << 20, pos)
            pos -= step
            f.seek(pos)
            tail = f.read(step) + tail
            if tail.rstrip(b"\n").rfind(b"\n") >= 0:
                break
    lines = tail.rstrip(b"\n").split(b"\n")
    return lines[-1].decode(errors="replace") if lines else ""


_SUMMARY_NUMBER = re.compile(r"\b([a-z][a-z_ ]*?)\s*[:=]\s*(\d+)\b")


def parse_text_summary(text):
    """'lost: 0, emitted: 12 ...' -> {'lost': 0, 'emitted': 12}; the CLI's
    human summary is not a contract beyond 'lost: N', so take every
    'name: number' pair it shows."""
    out = {}
    for key, value in _SUMMARY_NUMBER.findall(text):
        out.setdefault(key.strip().replace(" ", "_"), int(value))
    return out


class Config:
    name = ""
    label = ""
    tool = None          # executable that must exist, if any
    slow = False         # a comparison tool that gets fewer repetitions
    is_fantrace = False

    def __init__(self, fantrace=None):
        self.fantrace = fantrace

    def before(self, run_dir):
        pass

    def wrap(self, cmd, run_dir):
        return cmd

    def after(self, run_dir, m):
        """Returns a dict of what the tracer recorded; 'error' if it failed."""
        return {}


class Untraced(Config):
    name, label = "untraced", "untraced"


class FantraceJsonl(Config):
    name, label, is_fantrace = "fantrace", "fantrace jsonl", True

    def wrap(self, cmd, run_dir):
        return [self.fantrace, "run", "--format", "jsonl", "-o", f"{run_dir}/trace.jsonl", "--"] + cmd

    def after(self, run_dir, m):
        path = f"{run_dir}/trace.jsonl"
        if not os.path.exists(path):
            return {"error": "no jsonl output"}
        out = {"events": count_lines(path) - 1, "output_bytes": os.path.getsize(path)}
        line = last_line(path)
        try:
            summary = json.loads(line)
        except ValueError:
            summary = {}
        if summary.get("type") != "summary":
            out["error"] = f"last jsonl line is not the summary: {line[:200]!r}"
            return out
        out["summary"] = compact_summary(summary)
        out["lost"] = summary.get("lost")
        return out


class FantraceProbes(FantraceJsonl):
    """With the lookups (stat, readdir, missing): what --probes costs."""
    name, label = "fantrace-probes", "fantrace jsonl --probes"

    def wrap(self, cmd, run_dir):
        return [self.fantrace, "run", "--probes", "--format", "jsonl", "-o", f"{run_dir}/trace.jsonl",
                "--"] + cmd


class FantraceBaseline(FantraceJsonl):
    """fantrace jsonl from another build (bench/run --baseline PATH), so
    that a change is measured before and after in one interleaved run."""
    name, label = "fantrace-baseline", "fantrace jsonl, baseline build"


class FantraceFanotify(FantraceJsonl):
    """fantrace jsonl on the FAN_TRACE kernel mode (bench/run --fanotify; a
    kernel with kernel/patches: bench/guest boots one)."""
    name, label = "fantrace-fanotify", "fantrace jsonl --backend fanotify"

    def wrap(self, cmd, run_dir):
        return [self.fantrace, "run", "--backend", "fanotify", "--format", "jsonl",
                "-o", f"{run_dir}/trace.jsonl", "--"] + cmd


class FantraceSummary(Config):
    name, label, is_fantrace = "fantrace-summary", "fantrace --summary-only", True

    def wrap(self, cmd, run_dir):
        return [self.fantrace, "run", "--summary-only", "--"] + cmd

    def after(self, run_dir, m):
        numbers = parse_text_summary(m.stderr_text())
        if "lost" not in numbers:
            return {"error": "no 'lost: N' in the summary on stderr"}
        return {"summary": numbers, "lost": numbers["lost"],
                "events": numbers.get("events", numbers.get("emitted"))}


class Strace(Config):
    name, label, tool, slow = "strace", "strace -f", "strace", True

    def wrap(self, cmd, run_dir):
        return ["strace", "-f", "-e", "trace=%file,%desc", "-o", f"{run_dir}/strace.txt"] + cmd

    def after(self, run_dir, m):
        path = f"{run_dir}/strace.txt"
        if not os.path.exists(path):
            return {"error": "no strace output"}
        return {"events": count_lines(path), "output_bytes": os.path.getsize(path)}


class ReproZip(Config):
    name, label, tool, slow = "reprozip", "reprozip trace", "reprozip", True

    def wrap(self, cmd, run_dir):
        # Package identification (a dpkg lookup per file) is packing work,
        # not tracing; leave it out so the number is the tracing cost.
        return ["reprozip", "trace", "--dont-identify-packages", "--overwrite",
                "-d", f"{run_dir}/rz"] + cmd

    def after(self, run_dir, m):
        db = f"{run_dir}/rz/trace.sqlite3"
        if not os.path.exists(db):
            return {"error": "no trace.sqlite3"}
        try:
            con = sqlite3.connect(db)
            events = sum(con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                         for t in ("processes", "opened_files", "executed_files"))
            con.close()
        except sqlite3.Error as e:
            return {"error": f"unreadable trace.sqlite3: {e}"}
        return {"events": events}


class Fatrace(Config):
    """fatrace watches the whole system through fanotify; it runs in the
    background and the command itself is timed untraced."""
    name, label, tool = "fatrace", "fatrace (system-wide)", "fatrace"

    def before(self, run_dir):
        self.out = f"{run_dir}/fatrace.txt"
        self.bg = proc.Background(["fatrace", "-o", self.out], f"{run_dir}/fatrace")
        # fatrace says nothing when its marks are in place; give it a moment.
        proc.wait_for(lambda: not self.bg.alive(), 0.5)
        if not self.bg.alive():
            raise RuntimeError(f"fatrace exited at start: {self.bg.stderr_text()[-500:]}")

    def after(self, run_dir, m):
        rc, cpu, hwm = self.bg.stop()
        out = {"tracer_cpu_s": cpu, "tracer_rss_kb": hwm}
        if not os.path.exists(self.out):
            out["error"] = f"no fatrace output (rc {rc})"
            return out
        out["events"] = count_lines(self.out)
        return out


ALL = [Untraced, FantraceJsonl, FantraceProbes, FantraceSummary, Strace, ReproZip, Fatrace]
# Not in ALL: only with --baseline, --fanotify.
BASELINE = FantraceBaseline
FANOTIFY = FantraceFanotify
QUICK = ["untraced", "fantrace", "fantrace-summary"]


def make(names, fantrace):
    return [c(fantrace) for c in ALL + [BASELINE, FANOTIFY] if c.name in names]


def settle():
    """Between runs: wait until the previous run's tracer is fully gone (its
    probes would tax the next run), then flush writeback so it lands less
    on the next run."""
    if not proc.wait_for(lambda: not proc.own_leftovers(), 30, interval=0.05):
        raise RuntimeError(f"fantrace processes still alive 30 s after their run: "
                           f"{proc.own_leftovers()}")
    os.sync()
    time.sleep(0.2)
