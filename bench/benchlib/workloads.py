"""The benchmark workloads: generated deterministically, run many times.

Each workload is generated once into its own directory under the scratch
dir (untimed); reset() puts it back to its starting state before every
run (also untimed); argv() is the command that is timed. Nothing here
depends on the clock or on randomness without a fixed seed, so two
machines run the same work.
"""

import io
import os
import random
import shutil
import subprocess
import tarfile

# name -> (full size, quick size); what "size" means is per workload.
SIZES = {
    "compile": (300, 40),        # C files
    "untar": (20000, 3000),      # files in the archive
    "openclose": (200000, 30000),  # open/read/close iterations
    "forkexec": (2000, 300),     # fork+exec of /bin/true
    "script": (2000, 200),       # files the script works over
}
ORDER = list(SIZES)
OPENCLOSE_FILES = 1000


class Workload:
    name = ""
    about = ""

    def __init__(self, root, size, programs):
        self.dir = os.path.join(root, self.name)
        self.size = size
        self.programs = programs  # name -> path of compiled bench/workloads/*.c

    def generate(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self._generate()

    def _generate(self):
        pass

    def reset(self):
        pass

    def argv(self):
        raise NotImplementedError


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class Compile(Workload):
    name = "compile"
    about = "generated C project, `make -j2` (cc -O2), linked into one binary"

    def _generate(self):
        n = self.size
        _write(f"{self.dir}/include/common.h",
               "#pragma once\n#include <stdint.h>\n"
               "uint64_t mix(uint64_t a, uint64_t b);\n")
        for i in range(n):
            deps = "".join(f'#include "mod{(i * 7 + k) % n}.h"\n' for k in range(1, 4))
            _write(f"{self.dir}/include/mod{i}.h", f"#pragma once\nuint64_t mod{i}(uint64_t x);\n")
            body = [f'#include "common.h"\n#include "mod{i}.h"\n{deps}']
            for f in range(3):
                body.append(
                    f"static uint64_t f{f}(uint64_t x) {{\n"
                    f"  uint64_t acc = {i * 31 + f}u;\n"
                    f"  for (int k = 0; k < {8 + f}; k++) {{\n"
                    f"    acc = mix(acc ^ (x >> k), (uint64_t)k * {f + 3}u);\n"
                    f"    if (acc % {f + 5}u == 0) acc += x * {i + 1}u; else acc ^= acc << {f + 1};\n"
                    f"  }}\n  return acc;\n}}\n")
            body.append(f"uint64_t mod{i}(uint64_t x) {{ return "
                        + " + ".join(f"f{f}(x + {f})" for f in range(3)) + "; }\n")
            _write(f"{self.dir}/src/mod{i}.c", "".join(body))
        calls = "".join(f"  acc += mod{i}(acc);\n" for i in range(n))
        protos = "".join(f'#include "mod{i}.h"\n' for i in range(n))
        _write(f"{self.dir}/src/main.c",
               f'#include <stdio.h>\n#include "common.h"\n{protos}'
               "uint64_t mix(uint64_t a, uint64_t b) { return (a * 0x9E3779B97F4A7C15u) ^ (b + (a >> 29)); }\n"
               f"int main(void) {{\n  uint64_t acc = 1;\n{calls}  printf(\"%llu\\n\", (unsigned long long)acc);\n  return 0;\n}}\n")
        _write(f"{self.dir}/Makefile",
               "CC = cc\nCFLAGS = -O2 -Wall -Iinclude\n"
               "SRCS = $(sort $(wildcard src/*.c))\n"
               "OBJS = $(SRCS:src/%.c=obj/%.o)\n"
               "app: $(OBJS)\n\t$(CC) -o $@ $^\n"
               "obj/%.o: src/%.c include/common.h | obj\n\t$(CC) $(CFLAGS) -c -o $@ $<\n"
               "obj:\n\tmkdir -p obj\n"
               "clean:\n\trm -rf obj app\n"
               ".PHONY: clean\n")

    def reset(self):
        shutil.rmtree(f"{self.dir}/obj", ignore_errors=True)
        if os.path.exists(f"{self.dir}/app"):
            os.unlink(f"{self.dir}/app")

    def argv(self):
        return ["make", "-s", "-C", self.dir, "-j2"]


class Untar(Workload):
    name = "untar"
    about = "extract a tar of small files (100 per directory), then `rm -rf` them"

    def _generate(self):
        rng = random.Random(4)
        per_dir = 100
        with tarfile.open(f"{self.dir}/data.tar", "w", format=tarfile.GNU_FORMAT) as tar:
            for i in range(self.size):
                data = (f"file {i}\n" * rng.randint(10, 200)).encode()
                info = tarfile.TarInfo(f"tree/d{i // per_dir:04d}/f{i:06d}.txt")
                info.size, info.mtime, info.mode = len(data), 1700000000, 0o644
                tar.addfile(info, io.BytesIO(data))

    def reset(self):
        shutil.rmtree(f"{self.dir}/out", ignore_errors=True)

    def argv(self):
        d = self.dir
        return ["/bin/sh", "-c",
                f"mkdir {d}/out && tar -xf {d}/data.tar -C {d}/out && rm -rf {d}/out"]


class OpenClose(Workload):
    name = "openclose"
    about = f"one C process: open, read 4 KiB, close, cycling over {OPENCLOSE_FILES} existing files"

    def _generate(self):
        os.makedirs(f"{self.dir}/files")
        for i in range(OPENCLOSE_FILES):
            _write(f"{self.dir}/files/f{i}", f"contents of file {i}\n" * 20)

    def argv(self):
        return [self.programs["openclose"], f"{self.dir}/files",
                str(OPENCLOSE_FILES), str(self.size)]


class ForkExec(Workload):
    name = "forkexec"
    about = "one C process: fork, exec /bin/true, wait"

    def argv(self):
        return [self.programs["forkexec"], str(self.size), "/bin/true"]


SCRIPT = r"""#!/bin/bash
# A shell script over every file of $1, working in $2: cp per file;
# sed -i and mv per batch of 25 files; grep over all; rm.
set -eu
src=$1 work=$2
rm -rf "$work"
mkdir -p "$work/a" "$work/b"
batch=()
flush() {
  sed -i 's/alpha/omega/g' "${batch[@]}"
  mv -t "$work/b" "${batch[@]}"
  batch=()
}
for f in "$src"/*.txt; do
  b=${f##*/}
  cp "$f" "$work/a/$b"
  batch+=("$work/a/$b")
  [ ${#batch[@]} -lt 25 ] || flush
done
[ ${#batch[@]} -eq 0 ] || flush
grep -l omega "$work"/b/*.txt > "$work/list"
grep -c beta "$work"/b/*.txt > "$work/counts"
test "$(wc -l < "$work/list")" -eq "$(ls "$src" | wc -l)"
rm -f "$work"/b/*.txt
rm -rf "$work"
"""


class Script(Workload):
    name = "script"
    about = "bash: `cp` per file, `sed -i` and `mv` per 25 files, `grep` over all, `rm`"

    def _generate(self):
        _write(f"{self.dir}/run.sh", SCRIPT)
        os.chmod(f"{self.dir}/run.sh", 0o755)
        for i in range(self.size):
            _write(f"{self.dir}/src/f{i:05d}.txt",
                   "".join(f"line {k} alpha beta gamma {i * k}\n" for k in range(30)))

    def reset(self):
        shutil.rmtree(f"{self.dir}/work", ignore_errors=True)

    def argv(self):
        return ["/bin/bash", f"{self.dir}/run.sh", f"{self.dir}/src", f"{self.dir}/work"]


ALL = {w.name: w for w in (Compile, Untar, OpenClose, ForkExec, Script)}


def make(names, root, quick, programs):
    """Instantiate and generate the named workloads (in ORDER)."""
    out = []
    for name in ORDER:
        if name in names:
            full, small = SIZES[name]
            w = ALL[name](root, small if quick else full, programs)
            w.generate()
            out.append(w)
    return out


def compile_programs(src_dir, bin_dir):
    """Build bench/workloads/*.c; returns name -> binary path."""
    os.makedirs(bin_dir, exist_ok=True)
    programs = {}
    for fname in sorted(os.listdir(src_dir)):
        if not fname.endswith(".c"):
            continue
        name = fname[:-2]
        out = os.path.join(bin_dir, name)
        r = subprocess.run(["cc", "-O2", "-Wall", "-o", out, os.path.join(src_dir, fname)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"cannot compile bench/workloads/{fname}:\n{r.stderr}")
        programs[name] = out
    return programs
