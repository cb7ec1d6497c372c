#!/usr/bin/env bash
# The Debian package (issue 19): `cpack -G DEB` builds
# feedmill_VERSION_ARCH.deb; `dpkg -i` installs it with its man pages,
# the units, a feedmill system user and its folders (0750); the installed
# feedmill ingests the examples as that user; `dpkg --purge` removes it
# all. Needs root (CI runs as root): it installs a package on the machine
# and removes it again, whatever happens.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to install a package; CI runs as root"
for tool in cpack dpkg runuser flock man systemd-analyze; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/setup.sh installs what is needed)"
done
BUILD="$(dirname "$FEEDMILL")"
# One dpkg at a time, whichever suite runs this.
exec 9>/tmp/feedmill-test-deb.lock
flock -w 300 9 || fail "another test_deb holds the lock for 300 s"
purge() { dpkg --purge feedmill >/dev/null 2>&1 || true; }
trap 'purge; cleanup' EXIT
purge

(cd "$WORK" && cpack -G DEB -B "$WORK/pkg" --config "$BUILD/CPackConfig.cmake") >"$WORK/cpack.log" 2>&1 \
    || fail "cpack: $(tail -5 "$WORK/cpack.log")"
version=$("$FEEDMILL" --version | awk '{ print $2 }')
deb=$(ls "$WORK"/pkg/feedmill_"$version"_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no feedmill_${version}_ARCH.deb in $WORK/pkg: $(ls "$WORK/pkg")"
pass "built $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q "libzmq5" <<<"$depends" && grep -q "libsqlite3-0" <<<"$depends" \
    || fail "the package does not depend on the libraries it links: $depends"

dpkg -i "$deb" >"$WORK/dpkg.log" 2>&1 || fail "dpkg -i: $(tail -5 "$WORK/dpkg.log")"
expect_eq "$(/usr/bin/feedmill --version)" "$("$FEEDMILL" --version)" "the installed feedmill --version"
for page in feedmill feedmill-run feedmill-sink feedmill-producer feedmill-worker feedmill-export; do
    man -w "$page" >/dev/null 2>&1 || fail "no man page $page"
done
pass "man pages installed"
getent passwd feedmill >/dev/null || fail "no feedmill user"
expect_eq "$(stat -c '%a %U' /var/lib/feedmill)" "750 feedmill" "/var/lib/feedmill"
expect_eq "$(stat -c '%a %U %G' /etc/feedmill/keys)" "750 root feedmill" "/etc/feedmill/keys"
[ -f /etc/feedmill/sink.conf ] || fail "no /etc/feedmill/sink.conf"
for unit in feedmill-sink.service feedmill-producer.service feedmill-worker@.service; do
    [ -f "/usr/lib/systemd/system/$unit" ] || [ -f "/lib/systemd/system/$unit" ] || fail "no unit $unit"
done
[ -f /usr/share/bash-completion/completions/feedmill ] || fail "no bash completion"

# The installed binary, as the service user, on the examples.
install -d -o feedmill -g feedmill /var/lib/feedmill/examples
install -o feedmill -g feedmill -m 0644 "$SOURCE_DIR"/examples/* /var/lib/feedmill/examples/
rc=0
(cd /var/lib/feedmill && runuser -u feedmill -- /usr/bin/feedmill run --db /var/lib/feedmill/test.db \
    /var/lib/feedmill/examples) >"$WORK/run.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "feedmill run as feedmill exited $rc: $(tail -5 "$WORK/run.log")"
expect_eq "$(sql /var/lib/feedmill/test.db "SELECT count(*) FROM documents") $(stat -c %U /var/lib/feedmill/test.db)" \
    "$(ls "$SOURCE_DIR"/examples | wc -l) feedmill" "the examples stored by the feedmill user"

dpkg --purge feedmill >"$WORK/purge.log" 2>&1 || fail "dpkg --purge: $(tail -5 "$WORK/purge.log")"
[ ! -e /usr/bin/feedmill ] && [ ! -e /var/lib/feedmill ] && [ ! -e /etc/feedmill ] \
    || fail "dpkg --purge left files behind"
dpkg -s feedmill >/dev/null 2>&1 && fail "the package is still installed"
pass "dpkg --purge removes it cleanly"
