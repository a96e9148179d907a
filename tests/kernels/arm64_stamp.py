#!/usr/bin/env python3
"""The record that the arm64 guests passed on the current kernel-facing
sources, and CI's check of it.

The arm64 guests (tests/kernels/run arm64) take longer than CI's budget
leaves, so CI does not run them on every change. Instead, a run of both
that passes writes tests/kernels/arm64-tested: a hash of the sources that
decide what happens on an arm64 kernel (the BPF programs, the ABI header
they share with the user side, the tracepoints the user side attaches)
and each guest's result. It is committed with the change, and .ci/run
fails when the checkout's sources hash differently: a change to src/bpf
goes in only after the arm64 guests passed on it. (The arm64 BPF objects
themselves are compiled by every build: src/bpf/CMakeLists.txt.)

    tests/kernels/arm64_stamp.py check   # exit 0 when the record matches
"""
import hashlib
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STAMP = REPO / "tests/kernels/arm64-tested"
SOURCES = ["src/bpf", "src/abi/events.h", "src/lib/tracepoints.cc"]


def sources_hash():
    """Over the files git tracks there (their working-tree contents): an
    editor's backup beside them must not make a checkout differ from CI's
    clean clone."""
    h = hashlib.sha256()
    for name in SOURCES:  # in this order, each one's files sorted
        listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--", name],
                                check=True, capture_output=True).stdout
        for rel in sorted(n.decode() for n in listed.split(b"\0") if n):
            h.update(rel.encode() + b"\0" + (REPO / rel).read_bytes() + b"\0")
    return h.hexdigest()


def write(results):
    """results: [(kernel, one-line summary)] of a run in which every
    arm64 guest passed."""
    lines = ["# Written by `tests/kernels/run arm64` when every arm64 guest passed;",
             "# .ci/run checks that the sources still hash to this (arm64_stamp.py).",
             f"sources: {sources_hash()}"]
    lines += [f"{kernel}: {summary}" for kernel, summary in results]
    STAMP.write_text("\n".join(lines) + "\n")


def check():
    want = sources_hash()
    have = None
    if STAMP.exists():
        for line in STAMP.read_text().splitlines():
            if line.startswith("sources: "):
                have = line.split(": ", 1)[1].strip()
    if have == want:
        print(f"arm64: the guests passed on these sources ({STAMP.relative_to(REPO)})")
        return 0
    print(f"arm64: {', '.join(SOURCES)} changed since the arm64 guests last passed on them "
          f"({STAMP.relative_to(REPO)}): run scripts/build-arm64 && tests/kernels/run arm64, "
          "and commit the file it rewrites", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if sys.argv[1:] != ["check"]:
        print("usage: tests/kernels/arm64_stamp.py check", file=sys.stderr)
        sys.exit(2)
    sys.exit(check())
