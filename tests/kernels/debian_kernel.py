"""Debian's cloud kernels for the kernel matrix (tests/kernels/run): which
suite ships each, how its package is found in the suite's index, fetched
and unpacked into the cache, and the initramfs that loads the modules the
guest needs to mount the host.
"""
import gzip
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KERNELS = {  # name -> (Debian suite that ships it as its cloud kernel, architecture)
    "5.10": ("bullseye", "amd64"),
    "6.1": ("bookworm", "amd64"),
    "6.12": ("trixie", "amd64"),
    "arm64-6.1": ("bookworm", "arm64"),
    "arm64-6.12": ("trixie", "arm64"),
}
# "all" runs the x86-64 kernels and the host; the arm64 guests (qemu's TCG
# emulating another architecture: far slower) are run by name or as "arm64".
X86_KERNELS = [k for k, (_, arch) in KERNELS.items() if arch == "amd64"]
ARM64_KERNELS = [k for k, (_, arch) in KERNELS.items() if arch == "arm64"]
MIRROR = os.environ.get("FANTRACE_DEBIAN_MIRROR", "http://deb.debian.org/debian")
# Modules the guest needs before it can mount the host; whatever a kernel
# builds in is simply not found in its module tree.
WANTED_MODULES = ["virtio_pci", "virtiofs", "overlay"]


def log(msg):
    print(f"kernels: {msg}", file=sys.stderr, flush=True)


def fail(msg):
    log(msg)
    sys.exit(2)


def fetch(url, dest):
    tmp = dest.with_suffix(dest.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=120) as r, open(tmp, "wb") as f:
            shutil.copyfileobj(r, f)
    except OSError as e:
        fail(f"cannot download {url}: {e}; check the network or set FANTRACE_DEBIAN_MIRROR "
             f"(a kernel package gone from the archive: delete {dest.parent}/Packages-*.gz)")
    tmp.rename(dest)


def debian_version_key(v):
    # Good enough for kernel package versions: numeric runs compare as numbers.
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", v)]


def kernel_version(name):
    """"arm64-6.1" -> "6.1"."""
    return name.split("-", 1)[1] if name.startswith("arm64-") else name


def find_kernel_package(version, suite, arch, cache):
    """The newest linux-image-VERSION.*-cloud-ARCH-unsigned in the suite."""
    index = cache / (f"Packages-{suite}.gz" if arch == "amd64" else f"Packages-{suite}-{arch}.gz")
    if not index.exists() or time.time() - index.stat().st_mtime > 7 * 86400:
        log(f"fetching the {suite} package index ({arch})")
        fetch(f"{MIRROR}/dists/{suite}/main/binary-{arch}/Packages.gz", index)
    name_re = re.compile(rf"^linux-image-{re.escape(version)}\.[0-9][0-9a-z.+-]*-cloud-{arch}-unsigned$")
    best = None
    with gzip.open(index, "rt", encoding="utf-8", errors="replace") as f:
        for stanza in f.read().split("\n\n"):
            fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", stanza, re.M))
            if not name_re.match(fields.get("Package", "")):
                continue
            key = debian_version_key(fields["Version"])
            if best is None or key > best[0]:
                best = (key, fields["Package"], fields["Filename"])
    if best is None:
        fail(f"no linux-image-{version}.*-cloud-{arch}-unsigned in {suite}")
    return best[1], best[2]


def unpack_kernel(name, cache):
    suite, arch = KERNELS[name]
    package, filename = find_kernel_package(kernel_version(name), suite, arch, cache)
    root = cache / package
    if not (root / ".unpacked").exists():
        deb = cache / Path(filename).name
        if not deb.exists():
            log(f"downloading {package}")
            fetch(f"{MIRROR}/{filename}", deb)
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        deb.unlink()
        (root / ".unpacked").touch()
    vmlinuz = sorted((root / "boot").glob("vmlinuz-*"))
    moddirs = [d for base in ("lib/modules", "usr/lib/modules") if (root / base).exists()
               for d in sorted((root / base).iterdir())]  # trixie ships merged /usr
    if not vmlinuz or not moddirs:
        fail(f"{package} has no kernel image or no modules")
    return package, vmlinuz[0], moddirs[0]


def module_name(path):
    return re.sub(r"\.ko(\.[a-z]+)?$", "", path.name).replace("-", "_")


def module_load_order(moddir):
    """Module files for WANTED_MODULES, dependencies first. The package
    ships no modules.dep (depmod makes it at install), so the
    dependencies come from each module's own .modinfo "depends=" line."""
    by_name = {module_name(p): p for p in (moddir / "kernel").rglob("*.ko*")}
    order = []

    def visit(name):
        path = by_name.get(name)
        if path is None or path in order:
            return  # built in, or already placed
        m = re.search(rb"depends=([^\0]*)\0", read_module(path))
        for dep in (m.group(1).decode().split(",") if m else []):
            if dep:
                visit(dep.replace("-", "_"))
        order.append(path)

    for name in WANTED_MODULES:
        visit(name)
    return order


def read_module(path):
    data = path.read_bytes()
    if path.suffix == ".xz":
        return lzma.decompress(data)
    if path.suffix == ".zst":
        return subprocess.run(["zstd", "-dc", str(path)], check=True, capture_output=True).stdout
    return data


def build_initramfs(moddir, out, busybox="/bin/busybox"):
    """moddir None: a kernel with everything built in (the FAN_TRACE guest)."""
    # busybox-static: runs before any library is there (an arm64 guest's
    # comes from its root, arm64_root.py)
    if not Path(busybox).exists():
        fail(f"{busybox} is missing: " + ("install busybox-static (scripts/install-deps)"
                                          if busybox == "/bin/busybox" else "remake the arm64 root "
                                          "(delete it from the cache)"))
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for d in ["bin", "dev", "proc", "sys", "host", "newroot", "modules"]:
            (t / d).mkdir()
        shutil.copy(busybox, t / "bin/busybox")
        for applet in ["sh", "mount", "insmod", "mkdir", "cat", "echo", "switch_root", "poweroff", "cp", "chmod"]:
            (t / "bin" / applet).symlink_to("busybox")
        names = []
        for i, path in enumerate(module_load_order(moddir) if moddir else []):
            name = f"{i:02d}-{module_name(path)}.ko"
            (t / "modules" / name).write_bytes(read_module(path))
            names.append(name)
        shutil.copy(REPO / "tests/kernels/guest-init", t / "init")
        os.chmod(t / "init", 0o755)
        files = subprocess.run(["find", "."], cwd=t, check=True, capture_output=True).stdout
        with open(out, "wb") as f:
            cpio = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=t, input=files,
                                  stdout=subprocess.PIPE, check=True).stdout
            f.write(gzip.compress(cpio, 1))
        return names
