"""Running measured commands and background tracers.

Every process is started in its own session so that a timeout or an
interrupted benchmark can kill its whole tree by process group. Background
processes (fatrace, an idle traced tree) are remembered and stopped by
stop_all(), which the entry point calls on every exit path.
"""

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Measured:
    """What one run of a command cost, seen from outside."""
    argv: list
    rc: int = None              # exit status, or 128+signal, None on timeout
    timed_out: bool = False
    wall_s: float = 0.0
    cpu_s: float = 0.0          # user+sys of the process and its waited-for tree
    maxrss_kb: int = 0          # from wait4 (max over the tree, see README)
    top_hwm_kb: int = 0         # VmHWM of the top process alone, polled
    top_anon_kb: int = 0        # peak RssAnon of the top process, polled
    stdout_path: str = None
    stderr_path: str = None
    notes: list = field(default_factory=list)

    def stderr_text(self):
        return _read(self.stderr_path)

    def stdout_text(self):
        return _read(self.stdout_path)


def _read(path):
    if not path or not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return f.read()


def _memory_kb(pid):
    """(VmHWM, RssAnon) of pid, or None once it is gone."""
    hwm = anon = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith("RssAnon:"):
                    anon = int(line.split()[1])
    except (OSError, ValueError):
        return None
    return (hwm, anon) if hwm is not None else None


class _HwmPoller(threading.Thread):
    """Samples the top process's VmHWM (a high-water mark, so the last
    sample before exit is close to the true peak) and its anonymous RSS:
    VmHWM counts a mapped BPF ring buffer (twice: the kernel maps its data
    pages back to back), RssAnon is the process's own heap and stacks."""

    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.anon_peak = pid, interval, 0, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            v = _memory_kb(self.pid)
            if v is not None:
                self.peak = max(self.peak, v[0])
                self.anon_peak = max(self.anon_peak, v[1] or 0)
            self.done.wait(self.interval)


def kill_group(pid, sig=signal.SIGKILL):
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_measured(argv, log_prefix, timeout, cwd=None, env=None, stdin=None):
    """Run argv to completion (or timeout), return a Measured.

    stdout/stderr go to log_prefix + '.out' / '.err'."""
    m = Measured(argv=list(argv), stdout_path=log_prefix + ".out",
                 stderr_path=log_prefix + ".err")
    with open(m.stdout_path, "wb") as out, open(m.stderr_path, "wb") as err:
        start = time.monotonic()
        try:
            p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err,
                                 stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                 start_new_session=True)
        except OSError as e:
            m.rc, m.notes = 127, [f"cannot start {argv[0]}: {e}"]
            return m
        poller = _HwmPoller(p.pid)
        poller.start()
        timer = threading.Timer(timeout, _expire, (p.pid, m))
        timer.daemon = True
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        except BaseException:
            # Interrupted: take the run's whole group down with us.
            timer.cancel()
            poller.done.set()
            kill_group(p.pid)
            raise
        m.wall_s = time.monotonic() - start
        timer.cancel()
        poller.done.set()
        poller.join()
        p.returncode = 0  # reaped by wait4 above; keep Popen quiet
    # Anything the command left behind in its group goes too.
    kill_group(p.pid)
    m.cpu_s = ru.ru_utime + ru.ru_stime
    m.maxrss_kb = ru.ru_maxrss
    m.top_hwm_kb, m.top_anon_kb = poller.peak, poller.anon_peak
    if not m.timed_out:
        m.rc = os.waitstatus_to_exitcode(status)
        if m.rc < 0:
            m.rc = 128 - m.rc
    return m


def _expire(pid, m):
    m.timed_out = True
    kill_group(pid, signal.SIGTERM)
    time.sleep(2)
    kill_group(pid)


class Background:
    """A long-running process started before a measurement and stopped
    after it (fatrace, an idle traced tree)."""

    live = []

    def __init__(self, argv, log_prefix, cwd=None):
        self.argv = argv
        self.stderr_path = log_prefix + ".err"
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                                     stderr=self._err, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        self.poller = _HwmPoller(self.proc.pid, interval=0.2)
        self.poller.start()
        Background.live.append(self)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGINT, grace=10):
        """Signal the process, wait for it; returns (rc, cpu_s, hwm_kb)."""
        if self in Background.live:
            Background.live.remove(self)
        rc = cpu = None
        if self.proc.returncode is None:
            kill_group(self.proc.pid, sig)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
                if pid:
                    self.proc.returncode = rc = os.waitstatus_to_exitcode(status)
                    cpu = ru.ru_utime + ru.ru_stime
                    break
                time.sleep(0.02)
            else:
                kill_group(self.proc.pid)
                self.proc.wait()
                rc = "killed"
        kill_group(self.proc.pid)
        self.poller.done.set()
        self.poller.join()
        self._err.close()
        return rc, cpu, self.poller.peak

    def stderr_text(self):
        return _read(self.stderr_path)


# The fantrace binaries under test, so that their detached leftovers can
# be told from other people's tracers. A script that runs a fantrace must
# name it here (own): otherwise nothing waits for its teardown, whose
# attached probes then tax the next, untraced, run.
own_exes = set()


def own(*paths):
    own_exes.update(os.path.realpath(p) for p in paths)


def processes():
    """(pid, comm, exe) of every process we can see."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
            exe = os.readlink(f"/proc/{pid}/exe")
        except OSError:
            continue
        yield int(pid), comm, exe


def own_leftovers():
    """Processes of the fantrace under test still alive that we did not
    start as a background tracer: a run whose tracer finishes its teardown
    after the traced command has exited still has probes attached."""
    live = {b.proc.pid for b in Background.live}
    return [pid for pid, _, exe in processes() if exe in own_exes and pid not in live]


def stop_all():
    for b in list(Background.live):
        b.stop(grace=3)


def wait_for(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
