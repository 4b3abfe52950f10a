#!/bin/bash
# Soak test of `atlas-certs exporter` (issue 12): atlas-sim with faults, the exporter
# scanning every 3 s, its resident memory and open file descriptors sampled every 30 s.
# Usage: scripts/soak-exporter.sh [BIN_DIR] [SECONDS]   (default .build/debug, 1800)
# Prints the samples ("t_s rss_kb fds scan_lines") and the exporter's exit status.
set -u
bin=${1:-.build/debug}
duration=${2:-1800}
work=$(mktemp -d)
trap 'kill "$exporter" "$sim" 2>/dev/null; rm -rf "$work"' EXIT
"$bin/atlas-sim" --port 0 --organizations 2 --projects 5 --users 40 --fail-every 17 --truncate-every 23 \
    --drop-every 29 --cut-body-every 31 --nonce-lifetime 60 > "$work/sim.out" 2> "$work/sim.err" &
sim=$!
for _ in $(seq 1 200); do grep -q '^export MONGODB_ATLAS_PRIVATE_API_KEY' "$work/sim.out" && break; sleep 0.1; done
eval "$(grep '^export MONGODB_ATLAS_' "$work/sim.out")"
HOME="$work/home" "$bin/atlas-certs" exporter --listen 127.0.0.1:0 --interval 3s > "$work/exp.out" 2> "$work/exp.err" &
exporter=$!
echo "t_s rss_kb fds scan_lines"
start=$(date +%s)
while [ $(( $(date +%s) - start )) -lt "$duration" ]; do
    echo "$(( $(date +%s) - start )) $(awk '/VmRSS/{print $2}' /proc/$exporter/status) $(ls /proc/$exporter/fd | wc -l) $(grep -c scan "$work/exp.err")"
    sleep 30
done
kill -TERM "$exporter"; wait "$exporter"; echo "exporter exit $?"
echo "scans: $(grep -c 'scan complete' "$work/exp.err") complete, $(grep -c 'scan partial' "$work/exp.err") partial"
