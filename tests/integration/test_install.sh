#!/usr/bin/env bash
# Installing, and the systemd units of packaging/systemd (issue 19):
# `cmake --install` lays out the binary, the units, the example
# configurations and the monitoring files, and the installed binary runs;
# `systemd-analyze verify` finds nothing to say of any unit (a worker as
# an instance of its template); every option the example configurations
# (packaging/conf) pass is one the component takes.
. "$(dirname "$0")/lib.sh"

command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (scripts/setup.sh installs systemd)"

BUILD="$(dirname "$FEEDMILL")"
cmake --install "$BUILD" --prefix "$WORK/root" >"$WORK/install.log" 2>&1 \
    || fail "cmake --install: $(tail -5 "$WORK/install.log")"
for file in bin/feedmill lib/systemd/system/feedmill-sink.service \
            lib/systemd/system/feedmill-producer.service lib/systemd/system/feedmill-worker@.service \
            share/feedmill/conf/sink.conf share/feedmill/conf/producer.conf \
            share/feedmill/conf/worker.conf share/feedmill/monitoring/alerts.yml \
            share/feedmill/monitoring/prometheus.yml; do
    [ -e "$WORK/root/$file" ] || fail "cmake --install did not install $file"
done
expect_eq "$("$WORK/root/bin/feedmill" --version)" "$("$FEEDMILL" --version)" "the installed feedmill --version"
UNITS="$SOURCE_DIR/packaging/systemd"
mkdir "$WORK/units"
# The installed path, /usr/bin/feedmill, is this build's binary here:
# verify checks that ExecStart names an executable.
for unit in "$UNITS"/*.service; do
    sed "s|/usr/bin/feedmill|$FEEDMILL|g" "$unit" >"$WORK/units/$(basename "$unit")"
done
cp "$WORK/units/feedmill-worker@.service" "$WORK/units/feedmill-worker@1.service"
for unit in feedmill-sink.service feedmill-producer.service feedmill-worker@1.service; do
    out=$(cd "$WORK/units" && systemd-analyze verify --man=no "./$unit" 2>&1) \
        || fail "systemd-analyze verify $unit: $out"
    [ -z "$out" ] || fail "systemd-analyze verify $unit says: $out"
    pass "systemd-analyze verify $unit is clean"
done

# Each unit runs its component with its configuration's arguments.
check_conf() {   # check_conf COMPONENT VARIABLE
    local conf="$SOURCE_DIR/packaging/conf/$1.conf" unit="feedmill-$1.service"
    [ "$1" = worker ] && unit="feedmill-worker@.service"
    grep -q "^EnvironmentFile=/etc/feedmill/$1.conf$" "$UNITS/$unit" || fail "$unit reads /etc/feedmill/$1.conf"
    grep -q "^ExecStart=/usr/bin/feedmill $1 .*\$$2$" "$UNITS/$unit" || fail "$unit passes \$$2"
    local args option known
    args=$(sed -n "s/^$2=//p" "$conf")
    [ -n "$args" ] || fail "$conf sets no $2"
    known=$("$FEEDMILL" "$1" --help 2>&1)
    for option in $(grep -o -- '--[a-z-]*' <<<"$args"); do
        grep -q -- "$option" <<<"$known" || fail "$conf passes $option, which feedmill $1 does not take"
    done
    pass "every option of $1.conf is one feedmill $1 takes"
}
check_conf sink SINK_ARGS
check_conf producer PRODUCER_ARGS
check_conf worker WORKER_ARGS
