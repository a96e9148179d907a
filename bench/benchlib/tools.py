"""Getting what the benchmark needs: Debian packages and a fantrace build."""

import os
import shutil
import subprocess

from .suite import log

# tool on PATH -> Debian package
PACKAGES = {"cc": "gcc", "make": "make", "tar": "tar", "strace": "strace",
            "reprozip": "reprozip", "fatrace": "fatrace", "bpftool": "bpftool",
            "cmake": "cmake", "ninja": "ninja-build"}


def _apt_install(packages):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "--no-install-recommends"] + packages
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        # A fresh machine has no package lists yet.
        subprocess.run(["apt-get", "update"], env=env, capture_output=True)
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return r.returncode == 0, r.stderr[-1000:]


def ensure(tools, required, install=True):
    """Install the Debian packages for missing tools. Returns the set of
    tools that are missing afterwards; raises if a required one is."""
    missing = [t for t in tools if not shutil.which(t)]
    if missing and install:
        if os.geteuid() != 0:
            log(f"not root: cannot apt-get install {', '.join(missing)}")
        else:
            log(f"installing with apt-get: {', '.join(PACKAGES[t] for t in missing)}")
            ok, err = _apt_install([PACKAGES[t] for t in missing])
            if not ok:
                # Install one by one, so one missing package does not stop the rest.
                for t in missing:
                    _apt_install([PACKAGES[t]])
    still = {t for t in tools if not shutil.which(t)}
    hard = still & set(required)
    if hard:
        raise RuntimeError(f"required tools missing: {', '.join(sorted(hard))} "
                           f"(apt-get install {' '.join(PACKAGES[t] for t in sorted(hard))})")
    if "reprozip" in tools and "reprozip" not in still:
        # Otherwise every run prints a paragraph asking to opt in.
        subprocess.run(["reprozip", "usage_report", "--disable"], capture_output=True)
    return still


def build_fantrace(repo, build_dir="build-bench", bpf_defines=""):
    """Configure and build BUILD_DIR/fantrace in Release from the checkout;
    bpf_defines are extra -D flags for the BPF objects (bench/floor)."""
    build = os.path.join(repo, build_dir)
    log(f"building fantrace in {build}" + (f" with {bpf_defines}" if bpf_defines else ""))
    steps = [["cmake", "-S", repo, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
              "-DFANTRACE_TESTS=OFF", f"-DFANTRACE_BPF_DEFINES={bpf_defines}"],
             ["ninja", "-C", build, "fantrace_cli"]]
    for cmd in steps:
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"building fantrace failed: {' '.join(cmd)}\n"
                               f"{(r.stdout + r.stderr)[-3000:]}")
    return os.path.join(build, "fantrace")


def repo_relative(repo, path):
    """path as the report shows it: relative to the checkout when inside it,
    so that no machine's directory layout goes into a results file."""
    full = os.path.realpath(path)
    rel = os.path.relpath(full, os.path.realpath(repo))
    return full if rel.startswith("..") else rel


def check_fantrace(fantrace, timeout=60):
    """fantrace must exist, run, and pass the command's exit status through."""
    if not (os.path.isfile(fantrace) and os.access(fantrace, os.X_OK)):
        raise RuntimeError(f"fantrace binary not found or not executable: {fantrace}")
    try:
        r = subprocess.run([fantrace, "run", "--summary-only", "--", "/bin/sh", "-c", "exit 3"],
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"`fantrace run -- sh -c 'exit 3'` did not finish in {timeout} s"
    if r.returncode != 3:
        return (f"`fantrace run -- sh -c 'exit 3'` exited {r.returncode}, expected 3:\n"
                f"{r.stderr[-1500:]}")
    return None


def git_commit(repo):
    r = subprocess.run(["git", "-C", repo, "describe", "--always", "--dirty"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown"
