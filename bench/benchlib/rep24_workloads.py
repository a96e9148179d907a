"""The workloads of the REP '24 provenance-collector benchmark that run
offline on Debian 12 (bench/rep24).

Grayson, Aguilar, Milewicz, Katz, Marinov: "A benchmark suite and
performance analysis of user-space provenance collectors", ACM REP '24.
Its workloads are defined in the PROBE repository (benchmark/workloads.py);
each class here names the one it follows in `source` and says where it
differs: Debian's packages instead of Nix's, generated inputs instead of
downloads (no network here), loops that really loop (the paper's shell
loops iterated once: `for i in seq 10000` is a list of two words).

Sizes are (full, quick); each full size takes about 0.3-3 s untraced on a
2-core machine, so that start-up is not what is measured. The syscall
loops (lmbench, cd, shell-echo) are at the small end: strace and ReproZip
stop the tracee at each call and take 30 to 100 times longer, and the
whole run has to fit in 45 minutes.
"""

import os
import random
import shlex
import shutil
import socket
import subprocess

from .workloads import Workload, _write

# Debian's interpreter, whose pandas and numpy are Debian's packages (a
# python3 earlier on PATH may be another one, without them).
PYTHON = "/usr/bin/python3"


def _sh_loop(n, cmd):
    return ["/bin/sh", "-c", f"i=0; while [ $i -lt {n} ]; do {cmd}; i=$((i+1)); done"]


class Repeat(Workload):
    """A command run COUNT times by a shell loop (the paper's `repeat`)."""
    klass, source, cmd, sizes = "simple", "", "", (1000, 100)

    def argv(self):
        return _sh_loop(self.size, self.cmd.format(dir=self.dir, **self.programs))


def _repeat(name, klass, source, cmd, sizes):
    return type(name, (Repeat,), {"name": name, "klass": klass, "source": source,
                                  "cmd": cmd, "sizes": sizes,
                                  "about": f"`{cmd.split()[0].split('/')[-1]} ...` {sizes[0]} times"})


class Ls(Repeat):
    name, klass, sizes = "ls", "simple", (1000, 100)
    source = 'Cmds("simple", "ls", ...): ls of a directory, 1000 times'
    about = "`ls` of a directory of 100 files, 1000 times"
    cmd = "ls {dir}/d > /dev/null"

    def _generate(self):
        for i in range(100):
            _write(f"{self.dir}/d/f{i:03d}", "A" * 100)


class Shell(Workload):
    klass, sizes, body = "shell", (100000, 10000), ""

    def argv(self):
        return ["/bin/bash", "-c", self.body.format(n=self.size, dir=self.dir)]


class ShellIncr(Shell):
    name, source = "shell-incr", 'Cmds("shell", "shell-incr", ...)'
    about = "bash: i=$((i+1)) in a loop"
    body = "for ((i=0; i<{n}; i++)); do j=$((i+1)); done"


class ShellCd(Shell):
    name, source, sizes = "cd", 'Cmds("shell", "cd", ...)', (10000, 2000)
    about = "bash: cd between two directories in a loop"
    body = "a=$(realpath {dir}/a); b=$(realpath {dir}/b); for ((i=0; i<{n}; i++)); do cd $a; cd $b; done"

    def _generate(self):
        os.makedirs(f"{self.dir}/a")
        os.makedirs(f"{self.dir}/b")


class ShellEcho(Shell):
    name, source, sizes = "shell-echo", 'Cmds("shell", "shell-echo", ...)', (10000, 2000)
    about = "bash: `echo hi > /dev/null` (a builtin, an open each) in a loop"
    body = "for ((i=0; i<{n}; i++)); do echo hi > /dev/null; done"


class Lm(Workload):
    """lmbench's lat_syscall / lat_proc loops, by bench/workloads/lmloop.c."""
    klass, mode = "lmbench", ""

    def _generate(self):
        _write(f"{self.dir}/file", "A" * 1024)

    def argv(self):
        return [self.programs["lmloop"], self.mode, str(self.size), f"{self.dir}/file"]


def _lm(name, mode, sizes):
    return type(name, (Lm,), {"name": name, "mode": mode, "sizes": sizes,
                              "source": f'Cmds("lmbench", "{name}", lat_syscall/lat_proc {mode})',
                              "about": f"lmloop {mode}: {sizes[0]} calls"})


HELLO_C = r"""#include <stdio.h>
#ifdef USE_THREADS
#include <pthread.h>
static void *work(void *arg) { return arg; }
#endif
int main(void) {
#ifdef USE_THREADS
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, NULL);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
#endif
  puts("hello world");
  return 0;
}
"""


class GccHello(Workload):
    name, klass, sizes = "gcc-hello", "gcc", (30, 4)
    source = 'Cmds("gcc", "gcc-hello-world", gcc -Wall -Og test.c, 100 times)'
    about = "`gcc -Wall -Og test.c -o test.exe`"
    flags = "-Wall -Og"

    def _generate(self):
        _write(f"{self.dir}/test.c", HELLO_C)

    def argv(self):
        return _sh_loop(self.size, f"gcc {self.flags} {self.dir}/test.c -o {self.dir}/test.exe")


class GccHelloThreads(GccHello):
    name = "gcc-hello-threads"
    source = 'Cmds("gcc", "gcc-hello-world threads", gcc -DUSE_THREADS -O3 -pthread, 100 times)'
    about = "`gcc -DUSE_THREADS -Wall -O3 -pthread test.c -o test.exe -lpthread`"
    flags = "-DUSE_THREADS -Wall -O3 -pthread"


def generate_tree(root, files, seed=24):
    """A source-like tree: text files of 1-16 KiB in directories of 50,
    deterministic, compressible like code."""
    rng = random.Random(seed)
    words = ["int", "return", "static", "void", "struct", "if", "else", "for", "while",
             "char", "const", "unsigned", "long", "size_t", "NULL", "buffer", "count"]
    for i in range(files):
        n = rng.randint(1, 16) * 1024
        text = []
        size = 0
        while size < n:
            line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) + ";\n"
            text.append(line)
            size += len(line)
        _write(f"{root}/d{i // 50:03d}/f{i:05d}.c", "".join(text))


COMPRESSORS = ["", "gzip", "pigz", "bzip2", "pbzip2", "xz", "lzop"]


class Archive(Workload):
    """tar -c (through a compressor) of a generated tree."""
    klass, sizes, comp = "archive", (1500, 200), ""

    def _generate(self):
        generate_tree(f"{self.dir}/tree", self.size)

    def reset(self):
        for f in os.listdir(self.dir):
            if f.startswith("out.tar"):
                os.unlink(f"{self.dir}/{f}")

    def _tar_flags(self):
        return ["-I", self.comp] if self.comp else []

    def argv(self):
        return ["tar", "-c"] + self._tar_flags() + ["-f", f"{self.dir}/out.tar", "-C", self.dir, "tree"]


class Unarchive(Archive):
    """tar -x (through a compressor) of the same tree, into a fresh dir."""

    def _generate(self):
        super()._generate()
        subprocess.run(["tar", "-c"] + self._tar_flags() + ["-f", f"{self.dir}/in.tar", "-C",
                        self.dir, "tree"], check=True)
        shutil.rmtree(f"{self.dir}/tree")

    def reset(self):
        shutil.rmtree(f"{self.dir}/out", ignore_errors=True)
        os.makedirs(f"{self.dir}/out")

    def argv(self):
        return ["tar", "-x"] + self._tar_flags() + ["-f", f"{self.dir}/in.tar", "-C", f"{self.dir}/out"]


def _archive(comp, base):
    verb = "archive" if base is Archive else "unarchive"
    tar = "tar" if base is Archive else "untar"
    name = f"{tar}-{comp}" if comp else tar
    flag = f" -I {comp}" if comp else ""
    return type(name.replace("-", "_"), (base,), {
        "name": name, "comp": comp,
        "source": f'{base.__name__}("{comp}", SMALLER_TARBALL_URL): a downloaded tarball there, '
                  "a generated tree here",
        "about": f"`tar {'-c' if base is Archive else '-x'}{flag}` of a {verb} of generated files"})


class CopyTree(Workload):
    name, klass, sizes = "cp", "copy", (3000, 300)
    source = 'Copy("cp smaller", ...): cp --recursive of an unpacked tarball'
    about = "`cp -r` of a generated tree"

    def _generate(self):
        generate_tree(f"{self.dir}/tree", self.size)

    def reset(self):
        shutil.rmtree(f"{self.dir}/dst", ignore_errors=True)

    def argv(self):
        return ["cp", "--recursive", f"{self.dir}/tree", f"{self.dir}/dst"]


class GitCheckouts(Workload):
    """git clone of a local repository, then a checkout of each commit."""
    name, klass, sizes = "git", "vcs", (60, 10)
    source = ('VCSTraffic(setuptools_scm, git clone / checkout / log): a GitHub repository '
              "there, a generated one here")
    about = "`git clone` of a generated repository, then `git checkout` of each of its commits"

    def _generate(self):
        repo = f"{self.dir}/origin"
        generate_tree(repo, 200, seed=7)
        env = dict(os.environ, GIT_AUTHOR_DATE="2024-01-01T00:00:00Z",
                   GIT_COMMITTER_DATE="2024-01-01T00:00:00Z")
        git = ["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
        subprocess.run(git[:3] + ["init", "-q"], check=True, env=env)
        rng = random.Random(11)
        for c in range(self.size):
            for k in range(5):
                i = rng.randrange(200)
                with open(f"{repo}/d{i // 50:03d}/f{i:05d}.c", "a") as f:
                    f.write(f"/* change {c}.{k} */\n")
            subprocess.run(git + ["add", "-A"], check=True, env=env)
            subprocess.run(git + ["commit", "-q", "-m", f"change {c}"], check=True, env=env)

    def reset(self):
        shutil.rmtree(f"{self.dir}/work", ignore_errors=True)

    def argv(self):
        d = shlex.quote(self.dir)
        return ["/bin/sh", "-c",
                f"git clone -q {d}/origin {d}/work && cd {d}/work && "
                "for c in $(git log --format=%H); do git checkout -q $c || exit 1; done"]


POSTMARK_CONF = """set location {dir}/pm
set number {files}
set transactions {transactions}
set subdirectories 10
set size 500 10000
set seed 42
run
quit
"""


class Postmark(Workload):
    name, klass, sizes = "postmark", "postmark", (5000, 500)
    source = "Postmark(100_000): number of transactions"
    about = "Debian's postmark: N files in 10 dirs, 4N transactions"

    def _generate(self):
        _write(f"{self.dir}/pm.conf", POSTMARK_CONF.format(
            dir=self.dir, files=self.size, transactions=4 * self.size))

    def reset(self):
        shutil.rmtree(f"{self.dir}/pm", ignore_errors=True)
        os.makedirs(f"{self.dir}/pm")

    def argv(self):
        return ["postmark", f"{self.dir}/pm.conf"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HTTP_RUN = r"""#!/bin/sh
# Server and loopback client both in the traced tree, as in REP '24's
# run_server_and_client.py. Bounded: N requests, then the server is stopped.
set -u
port=$1; n=$2; out=$3; shift 3
"$@" &
server=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/test"; do
  i=$((i+1)); [ $i -gt 200 ] && { echo "server did not start" >&2; kill $server; exit 1; }
  sleep 0.05
done
hey -n "$n" -c 4 "http://127.0.0.1:$port/test" > "$out" || { kill $server; exit 1; }
kill $server; wait $server 2>/dev/null
grep -q '\[200\]' "$out"
"""


class Http(Workload):
    klass, sizes, tool = "http", (3000, 300), ""

    def _generate(self):
        _write(f"{self.dir}/srv/test", "A" * 16 * 1024)
        _write(f"{self.dir}/run.sh", HTTP_RUN)
        os.chmod(f"{self.dir}/run.sh", 0o755)
        os.makedirs(f"{self.dir}/logs", exist_ok=True)

    def reset(self):
        self.port = free_port()
        self._config()

    def _config(self):
        pass

    def argv(self):
        return ([f"{self.dir}/run.sh", str(self.port), str(self.size), f"{self.dir}/logs/hey.txt"]
                + self.server())


class PythonHttp(Http):
    name = "http.server"
    source = "SimpleHttp(HTTP_PORT, 50000 requests, 16 KiB) with hey"
    about = "python3 -m http.server, `hey -n N -c 4` over loopback"

    def server(self):
        return [PYTHON, "-m", "http.server", "--bind", "127.0.0.1", str(self.port),
                "--directory", f"{self.dir}/srv"]


LIGHTTPD_CONF = """server.document-root = "{dir}/srv"
server.port = {port}
server.bind = "127.0.0.1"
server.errorlog = "{dir}/logs/error.log"
server.pid-file = "{dir}/logs/lighttpd.pid"
"""


class Lighttpd(Http):
    name, tool = "lighttpd", "lighttpd"
    source = "Lighttpd(HTTP_PORT, 50000 requests, 16 KiB) with hey"
    about = "lighttpd -D, `hey -n N -c 4` over loopback"

    def _config(self):
        _write(f"{self.dir}/lighttpd.conf", LIGHTTPD_CONF.format(dir=self.dir, port=self.port))

    def server(self):
        return ["lighttpd", "-D", "-f", f"{self.dir}/lighttpd.conf"]


NGINX_CONF = """daemon off;
master_process off;
worker_processes 1;
pid {dir}/logs/nginx.pid;
error_log {dir}/logs/error.log;
events {{ worker_connections 64; }}
http {{
  access_log {dir}/logs/access.log;
  client_body_temp_path {dir}/logs/body;
  proxy_temp_path {dir}/logs/proxy;
  fastcgi_temp_path {dir}/logs/fastcgi;
  uwsgi_temp_path {dir}/logs/uwsgi;
  scgi_temp_path {dir}/logs/scgi;
  server {{ listen 127.0.0.1:{port}; root {dir}/srv; }}
}}
"""


class Nginx(Http):
    name, tool = "nginx", "nginx"
    source = "Nginx(HTTP_PORT, 50000 requests, 16 KiB) with hey"
    about = "nginx (one process), `hey -n N -c 4` over loopback"

    def _config(self):
        _write(f"{self.dir}/nginx.conf", NGINX_CONF.format(dir=self.dir, port=self.port))

    def server(self):
        return ["nginx", "-p", self.dir, "-c", f"{self.dir}/nginx.conf"]


PANDAS_PY = r"""import sys
import numpy as np
import pandas as pd
src, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
df["ratio"] = df["value"] / (df["weight"] + 1)
g = df.groupby("group").agg(mean=("value", "mean"), total=("weight", "sum"), n=("ratio", "size"))
top = df.sort_values("ratio", ascending=False).head(1000)
merged = top.merge(g, left_on="group", right_index=True)
merged.to_csv(out, index=False)
np.save(out + ".npy", g.to_numpy())
"""


class Pandas(Workload):
    name, klass, sizes = "pandas", "data science", (300000, 30000)
    source = "KaggleNotebook(...) (pandas notebooks from Kaggle): a generated CSV here"
    about = "python3 + pandas: read a CSV, group, sort, merge, write CSV and .npy"
    tool = "python3"

    def _generate(self):
        rng = random.Random(5)
        rows = ["group,value,weight"]
        rows += [f"g{rng.randrange(500)},{rng.random() * 100:.4f},{rng.randrange(1000)}"
                 for _ in range(self.size)]
        _write(f"{self.dir}/data.csv", "\n".join(rows) + "\n")
        _write(f"{self.dir}/analysis.py", PANDAS_PY)

    def argv(self):
        return [PYTHON, f"{self.dir}/analysis.py", f"{self.dir}/data.csv", f"{self.dir}/out.csv"]


LATEX_DOC = r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
\section{Provenance}
%s
\end{document}
"""


class Pdflatex(Workload):
    name, klass, sizes, tool = "pdflatex", "pdflatex", (20, 2), "pdflatex"
    source = 'Cmds("pdflatex", "latex-test", pdflatex test.tex)'
    about = "`pdflatex` of a small article, N pages of text and equations"

    def _generate(self):
        para = ("Which files did this command read and write? "
                r"$\sum_{i=1}^{n} x_i^2 = \int_0^1 f(t)\,dt$. " * 20 + "\n\n")
        _write(f"{self.dir}/test.tex", LATEX_DOC % (para * self.size))

    def argv(self):
        return ["/bin/sh", "-c", f"cd {shlex.quote(self.dir)} && "
                "pdflatex -interaction=batchmode -halt-on-error test.tex > /dev/null"]


ALL = [
    _repeat("hello", "simple", 'Cmds("simple", "hello", ...)', "{hello} > /dev/null", (1000, 100)),
    _repeat("ps", "simple", 'Cmds("simple", "ps", ps aux, 1000 times)', "ps aux > /dev/null", (100, 20)),
    _repeat("true", "simple", 'Cmds("simple", "true", ...)', "/bin/true", (1000, 100)),
    _repeat("echo", "simple", 'Cmds("simple", "echo", /bin/echo hello world)',
            "/bin/echo hello world > /dev/null", (1000, 100)),
    Ls,
    ShellIncr, ShellCd, ShellEcho,
    _lm("lm-getppid", "null", (300000, 100000)),
    _lm("lm-read", "read", (150000, 50000)),
    _lm("lm-write", "write", (150000, 50000)),
    _lm("lm-stat", "stat", (75000, 25000)),
    _lm("lm-fstat", "fstat", (150000, 50000)),
    _lm("lm-open-close", "open", (50000, 20000)),
    _lm("lm-fork", "fork", (3000, 300)),
    _lm("lm-exec", "exec", (2000, 200)),
    GccHello, GccHelloThreads,
    *[_archive(c, Archive) for c in COMPRESSORS],
    *[_archive(c, Unarchive) for c in COMPRESSORS],
    CopyTree, GitCheckouts, Postmark,
    PythonHttp, Lighttpd, Nginx,
    Pandas, Pdflatex,
]

# Tool on PATH -> Debian package, for what the workloads run.
PACKAGES = {"gcc": "gcc", "git": "git", "postmark": "postmark", "pigz": "pigz",
            "bzip2": "bzip2", "pbzip2": "pbzip2", "xz": "xz-utils", "lzop": "lzop",
            "hey": "hey", "curl": "curl", "lighttpd": "lighttpd", "nginx": "nginx-light",
            "python3": "python3-pandas", "ps": "procps", "pdflatex": "texlive-latex-base"}

# Classes whose workloads need a tool that may be missing: workload -> tool.
NEEDS = {"postmark": "postmark", "lighttpd": "lighttpd", "nginx": "nginx",
         "http.server": "hey", "pdflatex": "pdflatex", "git": "git"}
for _c in COMPRESSORS:
    if _c:
        NEEDS[f"tar-{_c}"] = NEEDS[f"untar-{_c}"] = {"xz": "xz"}.get(_c, _c)


def names():
    return [w.name for w in ALL]


def make(selected, root, quick, programs):
    out = []
    for cls in ALL:
        if cls.name in selected:
            full, small = cls.sizes
            w = cls(root, small if quick else full, programs)
            w.generate()
            out.append(w)
    return out
