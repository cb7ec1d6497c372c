#!/usr/bin/env bash
# Installs the Debian packages feedmill needs to build and test, only the
# ones missing, so it is cheap to run before every build.
set -euo pipefail

packages=(
    build-essential cmake pkg-config   # toolchain
    libzmq3-dev libsodium-dev          # transport, session ids
    libssl-dev                         # document ids: OpenSSL's SHA-256 (SHA-NI where the CPU has it)
    libmsgpack-dev                     # wire format
    libsqlite3-dev sqlite3             # storage; the CLI is used by tests
    libxml2-dev zlib1g-dev             # HTML parsing, gzip-compressed documents
    libutf8proc-dev                    # Unicode categories: which query words FTS5 can index
    libjansson-dev                     # JSON lines, JSON-LD in pages, the quality scorer
    libczmq-dev                        # CurveZMQ certificates and authentication (zcert, zauth)
    libmicrohttpd-dev                  # /metrics, /healthz, /readyz
    libuchardet-dev                    # charset detection of undeclared encodings
    libcurl4-openssl-dev libncurses-dev tmux   # feedmill top: HTTP, the terminal; its test drives it in tmux
    clang libclang-rt-14-dev           # make fuzz: libFuzzer, ASan runtime
    iproute2                           # network namespaces for the multi-host test
    prometheus curl                    # promtool lints the metrics; tests fetch them
    python3-zmq python3-msgpack        # interop tests written from proto/README.md
    systemd                            # systemd-analyze verify of packaging/systemd
    help2man dpkg-dev                  # man pages from --help; the .deb (dpkg-shlibdeps)
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
