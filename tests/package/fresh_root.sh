#!/bin/bash
# The Debian package, built and installed as a user would get it: builds
# fantrace_*.deb from a copy of the checkout with dpkg-buildpackage, runs
# lintian on it (clean at the default level, or the test fails), makes a
# fresh Debian 12 root with mmdebstrap from the mirror of apt's configured
# sources, installs the .deb there with apt, and checks inside that root
# that `fantrace --version`, `man fantrace` and `fantrace doctor` work and
# that systemd has fantraced.service enabled. Root only (mmdebstrap's root
# mode, chroot). Prints how long each stage took.
#   tests/package/fresh_root.sh [SOURCE_DIR]
# DEB_BUILD_OPTIONS defaults to "nocheck parallel=2" (the unit tests run in
# the suite itself); FANTRACE_DEB=PATH/fantrace_VERSION_ARCH.deb tests a
# package built already (its .changes beside it) instead of building one;
# FANTRACE_KEEP_ROOT=1 keeps the scratch directory.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "fresh_root: needs root (mmdebstrap's root mode and chroot)" >&2
  exit 2
fi
for tool in dpkg-buildpackage lintian mmdebstrap systemctl; do
  command -v "$tool" >/dev/null || { echo "fresh_root: $tool is missing (scripts/install-deps)" >&2; exit 2; }
done

work=$(mktemp -d /var/tmp/fantrace-package.XXXXXX)
[ -n "${FANTRACE_KEEP_ROOT:-}" ] || trap 'rm -rf "$work"' EXIT
stamp() { date +%s; }
say() { echo "=== fresh_root: $*"; }

# A copy of the checkout (committed and untracked files, not what git
# ignores): dpkg-buildpackage writes its results beside the source tree.
t0=$(stamp)
if [ -n "${FANTRACE_DEB:-}" ]; then  # a package built already: its .changes beside it
  cp "$FANTRACE_DEB" "${FANTRACE_DEB%.deb}.changes" "$work/"
  cp "$(dirname "$FANTRACE_DEB")"/fantrace-dbgsym_*.deb "$(dirname "$FANTRACE_DEB")"/*.buildinfo "$work/" 2>/dev/null || true
else
mkdir "$work/fantrace"
git -C "$src" ls-files -z --cached --others --exclude-standard |
  (cd "$src" && xargs -0 cp --parents -a -t "$work/fantrace" 2>/dev/null || true)
[ -f "$work/fantrace/debian/control" ] || { echo "fresh_root: no debian/ in $src" >&2; exit 1; }
say "building the package"
(cd "$work/fantrace" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck parallel=2} \
  dpkg-buildpackage -b -us -uc) > "$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }
fi
deb=$(ls "$work"/fantrace_*.deb)
t1=$(stamp)
say "built $(basename "$deb") in $((t1 - t0)) s"

say "lintian"
lintian_rc=0
lintian --fail-on error,warning "$work"/fantrace_*.changes > "$work/lintian.log" 2>&1 || lintian_rc=$?
cat "$work/lintian.log"
if ((lintian_rc)); then
  echo "fresh_root: lintian reports errors or warnings (exit $lintian_rc)" >&2
  exit 1
fi

# The root: Debian 12 from the mirror apt is configured with here, the
# package installed by apt inside it (which fetches its Depends), and the
# checks run in mmdebstrap's customize hooks, where /proc, /sys and /dev are
# mounted. Each check's output and status land in the root's /checks.
say "mmdebstrap bookworm, apt install ./$(basename "$deb")"
root="$work/root"
check() {  # check NAME COMMAND...: a hook running COMMAND in the root
  local name=$1
  shift
  printf -- '--customize-hook=chroot "$1" sh -c %q > "$1/checks/%s.out" 2>&1; echo $? > "$1/checks/%s.rc"' \
    "$*" "$name" "$name"
}
hooks=(
  '--customize-hook=mkdir -p "$1/checks"'
  "--customize-hook=copy-in $deb /tmp"
  "--customize-hook=chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/$(basename "$deb")"
  "$(check version fantrace --version)"
  "$(check man env MANPAGER=cat MANWIDTH=80 man fantrace)"
  "$(check doctor fantrace doctor)"
  "$(check fsatrace ls -l /usr/bin/fsatrace)"
  "$(check completions ls /usr/share/bash-completion/completions/fantrace /usr/share/zsh/vendor-completions/_fantrace)"
  '--customize-hook=systemctl --root="$1" is-enabled fantraced.service > "$1/checks/enabled.out" 2>&1; echo $? > "$1/checks/enabled.rc"'
  "$(check unit cat /lib/systemd/system/fantraced.service)"
)
t2=$(stamp)
mmdebstrap --variant=apt --include=man-db,systemd "${hooks[@]}" bookworm "$root" > "$work/mmdebstrap.log" 2>&1 ||
  { tail -40 "$work/mmdebstrap.log"; exit 1; }
t3=$(stamp)
say "root made and package installed in $((t3 - t2)) s"

failures=0
expect() {  # expect NAME RC PATTERN: the check's status and a line of its output
  local name=$1 rc=$2 pattern=$3
  local got_rc
  got_rc=$(cat "$root/checks/$name.rc" 2>/dev/null || echo missing)
  echo "--- $name (exit $got_rc):"
  head -25 "$root/checks/$name.out" 2>/dev/null || true
  if [[ $rc != any && $got_rc != "$rc" ]] || ! grep -qE -- "$pattern" "$root/checks/$name.out" 2>/dev/null; then
    echo "FAIL: $name: expected exit $rc and a line matching '$pattern'" >&2
    failures=$((failures + 1))
  fi
}
expect version 0 '^fantrace [0-9]'
expect man 0 'fantrace - trace which files'
# In a chroot the kernel is the host's: doctor runs and says what it finds;
# it may find no BPF to use there, so only its report is checked.
expect doctor any '^status: '
expect fsatrace 0 'fsatrace -> fantrace'
expect completions 0 '_fantrace'
expect enabled 0 '^enabled$'
expect unit 0 'ExecStart=/usr/sbin/fantraced --foreground'

say "times: package build $((t1 - t0)) s, mmdebstrap and install $((t3 - t2)) s, total $((t3 - t0)) s"
if ((failures)); then
  echo "fresh_root: $failures checks failed (logs in $work if FANTRACE_KEEP_ROOT=1)" >&2
  exit 1
fi
say "all checks passed"
