"""The collectors of bench/rep24 beyond bench/run's: fantrace through
fantraced, strace with --seccomp-bpf, and CARE; the shared ones (untraced,
fantrace in process, strace -f, ReproZip) come from configs.py.

REP '24 measured strace, fsatrace, RR, ReproZip and CARE. RR needs
hardware performance counters (absent in our VMs) and fsatrace is not
packaged in Debian: the report says so instead of measuring them.
"""

import os

from . import configs, proc


class FantraceDaemon(configs.FantraceJsonl):
    """fantrace run --daemon: the engine stays loaded in fantraced, so each
    trace pays a socket round trip instead of a BPF load."""
    name, label = "fantrace-daemon", "fantrace via fantraced"
    socket = None  # set by start_daemon()

    def wrap(self, cmd, run_dir):
        return ["env", f"FANTRACE_SOCKET={self.socket}", self.fantrace, "run", "--daemon",
                "--format", "jsonl", "-o", f"{run_dir}/trace.jsonl", "--"] + cmd


def start_daemon(fantraced, scratch):
    """Starts one fantraced for the whole run; returns its Background, or
    raises RuntimeError with its message."""
    sock = os.path.join(scratch, "fantraced.sock")
    bg = proc.Background([fantraced, "--foreground", "--socket", sock], f"{scratch}/fantraced")
    if not proc.wait_for(lambda: os.path.exists(sock) or not bg.alive(), 120):
        bg.stop()
        raise RuntimeError("fantraced did not create its socket in 120 s")
    if not bg.alive():
        raise RuntimeError(f"fantraced exited at start: {bg.stderr_text()[-500:]}")
    FantraceDaemon.socket = sock
    return bg


class StraceSeccomp(configs.Strace):
    name, label = "strace-seccomp", "strace -f --seccomp-bpf"

    def wrap(self, cmd, run_dir):
        return ["strace", "-f", "--seccomp-bpf", "-e", "trace=%file,%desc",
                "-o", f"{run_dir}/strace.txt"] + cmd


class Care(configs.Config):
    """CARE (PRoot: ptrace + seccomp) archiving every file the command
    touches into a directory, as REP '24 ran it."""
    name, label, tool, slow = "care", "CARE", "care", True

    def wrap(self, cmd, run_dir):
        return ["care", "--verbose=-1", "-o", f"{run_dir}/care/"] + cmd

    def after(self, run_dir, m):
        root = f"{run_dir}/care/rootfs"
        if not os.path.isdir(root):
            return {"error": "no CARE archive"}
        return {"events": sum(len(files) for _, _, files in os.walk(root))}


class Floor(configs.FantraceSummary):
    """What any collector on syscall tracepoints pays before doing any work:
    fantrace built with FT_BENCH_FLOOR=1 (bench/floor's `empty` variant),
    its programs attached to the same tracepoints and returning at once.
    The bound under fantrace's own column; not run by default."""
    name, label = "floor", "tracepoints alone (floor)"
    build_dir, bpf_defines = "build-floor-empty", "-DFT_BENCH_FLOOR=1"


ALL = [configs.Untraced, configs.FantraceJsonl, FantraceDaemon, configs.Strace, StraceSeccomp,
       configs.ReproZip, Care, Floor]
DEFAULT = [c.name for c in ALL if c is not Floor]
QUICK = ["untraced", "fantrace", "fantrace-daemon"]
# Collectors REP '24 measured that cannot run here, and why.
NOT_RUN = {
    "fsatrace": "not packaged in Debian 12 (no source package either); fantrace's "
                "`--format fsatrace` writes its output format instead",
    "rr": "needs hardware performance counters, which our VMs do not expose",
}


def make(names, fantrace):
    return [c(fantrace) for c in ALL if c.name in names]
