#!/usr/bin/env bash
# man.sh FEEDMILL OUTDIR: the man pages, made by help2man from the
# --help texts themselves (so they never disagree with the binary):
# feedmill(1), and feedmill-COMMAND(1) for every command `feedmill --help`
# lists.
set -euo pipefail
feedmill="$(realpath "$1")"
out="$2"
mkdir -p "$out"
version=$("$feedmill" --version | awk '{ print $2 }')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\nexec "%s" "$@"\n' "$feedmill" >"$tmp/feedmill"
chmod +x "$tmp/feedmill"
help2man -N --version-string="$version" -n "a document-ingestion pipeline into SQLite" \
    -o "$out/feedmill.1" "$tmp/feedmill"
"$feedmill" --help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print }' |
while read -r command summary; do
    printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$feedmill" "$command" >"$tmp/feedmill-$command"
    chmod +x "$tmp/feedmill-$command"
    help2man -N --version-string="$version" -n "$summary" -o "$out/feedmill-$command.1" \
        "$tmp/feedmill-$command"
done
