#!/usr/bin/env python3
"""The man pages render without warnings and document every option --help shows.

    man_pages.py FANTRACE FANTRACED MAN_DIR

Each subcommand listed by `fantrace --help` must have a section of its own
in fantrace(1) (a .SS heading), and every option that `fantrace SUB --help`
shows must appear in fantrace(1) as a word; every option of
`fantraced --help` in fantraced(8). Driven by --help, so that an option or
subcommand added to the binary without its documentation fails here.
Each page must render with `groff -ww -z` and `man -l` with nothing on
standard error.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

PAGES = ["fantrace.1", "fantraced.8", "fantrace-jsonl.5", "fsatrace.1"]


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def help_text(argv):
    r = run(argv + ["--help"])
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)} --help exited {r.returncode}: {r.stderr}")
    return r.stdout


def options(help_out):
    """Every option name in a CLI11 --help: '  -o,--output FILE  ...'."""
    names = []
    for line in help_out.splitlines():
        m = re.match(r"^  (-[-\w]*(?:,-[-\w]*)*)(?:\s|$)", line)
        if m:
            names += m.group(1).split(",")
    return names


def subcommands(help_out):
    subs, inside = [], False
    for line in help_out.splitlines():
        if re.match(r"^subcommands:$", line.strip(), re.I):
            inside = True
            continue
        if inside:
            m = re.match(r"^  ([a-z][\w-]*)(?:\s|$)", line)
            if m:
                subs.append(m.group(1))
            elif line.strip() and not line.startswith("   "):
                inside = False
    return subs


def rendered(page):
    """The page as plain text, unhyphenated and on long lines."""
    r = run(["groff", "-man", "-Tascii", "-rHY=0", "-rLL=300n", "-P", "-cbou", str(page)])
    return r.stdout


def has_word(text, word):
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) is not None


def main():
    fantrace, fantraced, man_dir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    failures = []
    for name in PAGES:
        page = man_dir / name
        if not page.is_file():
            failures.append(f"{page} was not built")
            continue
        r = run(["groff", "-man", "-ww", "-z", str(page)])
        if r.returncode != 0 or r.stderr:
            failures.append(f"groff -ww -z {name}: {r.stderr.strip()}")
        env = dict(os.environ, MANROFFOPT="-ww", MANPAGER="cat", PAGER="cat", MANWIDTH="80")
        r = run(["man", "-l", str(page)], env=env)
        if r.returncode != 0 or r.stderr or not r.stdout:
            failures.append(f"man -l {name}: exit {r.returncode}: {r.stderr.strip()}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1

    fantrace_page = rendered(man_dir / "fantrace.1")
    roff = (man_dir / "fantrace.1").read_text()
    top = help_text([fantrace])
    subs = subcommands(top)
    if not subs:
        failures.append("found no subcommands in fantrace --help")
    for opt in options(top):
        if not has_word(fantrace_page, opt):
            failures.append(f"fantrace(1) lacks '{opt}' (fantrace --help)")
    checked = 0
    for sub in subs:
        if not re.search(r'^\.SS "?' + re.escape(sub) + r'"?\s*$', roff, re.M):
            failures.append(f"fantrace(1) has no section (## {sub}) for the subcommand '{sub}'")
        for opt in options(help_text([fantrace, sub])):
            checked += 1
            if not has_word(fantrace_page, opt):
                failures.append(f"fantrace(1) lacks '{opt}' (fantrace {sub} --help)")

    daemon_page = rendered(man_dir / "fantraced.8")
    for opt in options(help_text([fantraced])):
        checked += 1
        if not has_word(daemon_page, opt):
            failures.append(f"fantraced(8) lacks '{opt}' (fantraced --help)")

    if failures:
        print("\n".join(failures), file=sys.stderr)
        print("document them in docs/man/*.scd", file=sys.stderr)
        return 1
    print(f"man pages: {len(PAGES)} render cleanly; {len(subs)} subcommands and {checked} options documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
