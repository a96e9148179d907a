"""The userland of the kernel matrix's arm64 guests.

An x86-64 guest runs the host's own / (shared read-only through virtio-fs);
an arm64 guest cannot run its programs. It gets a Debian 12 arm64 root
instead, made once into the cache with mmdebstrap's `extract` variant:
packages unpacked, no maintainer script run, so that no arm64 emulation is
needed on the host (binfmt_misc, qemu-user). What the maintainer scripts
would have made and the suite needs (the user and group databases) is
written here. The guest mounts this root under a tmpfs overlay and binds
the checkout into it at its host path, where the cross build (build-arm64,
cmake/aarch64-linux-gnu.cmake) finds its programs.
"""
import shutil
import subprocess
from pathlib import Path

SUITE = "bookworm"
# The suite's tools (the scripts the tests start, the shells of the shell
# integration, python3 for the helpers, gcc for the compile scenarios,
# clang and libbpf's headers for the user filters, bpftool to list loaded
# programs, attr for xattrs, useradd with login's defaults (a group per
# user) and sudo for the unprivileged users' tests) and the libraries
# fantrace links.
PACKAGES = [
    "base-files", "base-passwd", "bash", "busybox-static", "bzip2", "coreutils", "dash",
    "debianutils", "diffutils", "file", "findutils", "gawk", "grep", "gzip", "hostname",
    "iproute2", "kmod", "libc-bin", "make", "mawk", "mount", "ncurses-base", "perl-base",
    "procps", "python3", "sed", "sqlite3", "strace", "tar", "util-linux", "xz-utils", "zsh",
    "attr", "bpftool", "clang", "gcc", "libbpf-dev", "libc6-dev", "login", "passwd", "sudo",
    "libarchive13", "libbpf1", "libelf1", "libfmt9", "libgcc-s1", "libpq5", "libsqlite3-0",
    "libssl3", "libstdc++6", "liburing2", "libxxhash0", "libzstd1", "zlib1g",
]


def ensure_root(cache, mirror, fail, log):
    """The arm64 root in the cache, made on first use (about 300 MB, half
    a minute with a near mirror). Returns its path."""
    root = cache / "arm64-root"
    stamp = root / ".fantrace-root"
    wanted = "merged-usr " + " ".join(PACKAGES)
    if stamp.exists() and stamp.read_text() == wanted:
        return root
    if not shutil.which("mmdebstrap"):
        fail("mmdebstrap is missing: install it (scripts/install-deps)")
    log(f"making the arm64 root ({SUITE}, {len(PACKAGES)} packages) in {root}")
    shutil.rmtree(root, ignore_errors=True)
    # merged /usr, as every Debian 12 installation has (the tests name
    # /usr/bin/touch; extract alone would unpack bookworm's /bin as it is)
    merge = 'for d in bin sbin lib; do mkdir -p "$1/usr/$d"; ln -s "usr/$d" "$1/$d"; done'
    cmd = ["mmdebstrap", "--arch=arm64", "--variant=extract", "--mode=root", "--quiet",
           f"--setup-hook={merge}", "--include=" + ",".join(PACKAGES), SUITE, str(root), mirror]
    if subprocess.run(cmd).returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        fail(f"mmdebstrap could not make the arm64 root: {' '.join(cmd)}")
    # base-passwd's postinst copies its masters; without it there is no root user.
    for name in ("passwd", "group"):
        shutil.copy(root / f"usr/share/base-passwd/{name}.master", root / f"etc/{name}")
    (root / "etc/hostname").write_text("fantrace-guest\n")
    stamp.write_text(wanted)
    return root


def busybox(root):
    """The root's static busybox, for the initramfs that mounts it."""
    return Path(root) / "bin/busybox"
