#!/usr/bin/env bash
# Contract check: schemathesis against atlas-sim, driven by MongoDB's OpenAPI spec.
#
#   scripts/schemathesis.sh SPEC [schemathesis run options...]
#   scripts/schemathesis.sh ../shared/atlas-openapi-subset.json --max-examples 50
#
# It builds and starts atlas-sim on a free 127.0.0.1 port (generated data, seed 7:
# usernames with spaces, slashes, DNs and non-ASCII), then runs
# `schemathesis run SPEC` against it with every check, digest authentication and the
# spec's known quirks patched in memory (scripts/schemathesis_hooks.py; SPEC is read
# where it is, never copied). Exits with schemathesis's status. What it checks, the
# results seen and the quirks: docs/contract-testing.md.
#
# Needs: Swift (unless the build is skipped) and schemathesis 4.x
# (`pip install schemathesis`).
# Environment:
#   SCHEMATHESIS=PATH              the schemathesis executable (default: from PATH)
#   SCHEMATHESIS_SKIP_BUILD=1      use the existing atlas-sim, do not run `swift build`
#   ATLAS_SIM_BIN=PATH             the atlas-sim binary (default .build/debug/atlas-sim)
#   SCHEMATHESIS_SEED=N            data generation seed (default 1, for repeatable runs)
#   SCHEMATHESIS_MAX_EXAMPLES=N    test cases per operation and phase (default 100)
#   SCHEMATHESIS_REPORT_DIR=DIR    where the JUnit report goes (default: a temporary folder)
#   SCHEMATHESIS_SPEC_AS_IS=1      patch no quirk and filter no failure (to see the quirks)
set -euo pipefail

die() { echo "schemathesis.sh: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: scripts/schemathesis.sh SPEC [schemathesis run options...]"
[ -f "$1" ] || die "no spec at $1"
SPEC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift

cd "$(dirname "$0")/.."
REPO=$PWD

ST=${SCHEMATHESIS:-$(command -v schemathesis || true)}
[ -n "$ST" ] && [ -x "$ST" ] || die "schemathesis not found: pip install schemathesis (or set SCHEMATHESIS)"
"$ST" --version | grep -q "version 4\." || die "needs schemathesis 4.x, found: $("$ST" --version)"

BIN=${ATLAS_SIM_BIN:-$REPO/.build/debug/atlas-sim}
if [ "${SCHEMATHESIS_SKIP_BUILD:-}" != 1 ]; then
    swift build --product atlas-sim >&2
fi
[ -x "$BIN" ] || die "no atlas-sim at $BIN"

WORK=$(mktemp -d)
SIM_PID=
cleanup() {
    if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Start the simulator and wait for its banner (it prints the URL when it listens).
"$BIN" --port 0 --seed 7 --read-timeout 30 >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
deadline=$((SECONDS + 60))
until grep -q "^Atlas simulator listening on " "$WORK/sim.out" 2>/dev/null; do
    kill -0 "$SIM_PID" 2>/dev/null || die "atlas-sim exited: $(cat "$WORK/sim.err")"
    [ $SECONDS -lt $deadline ] || die "atlas-sim did not start within 60 s"
    sleep 0.1
done
value() { sed -n "s/^export $1=//p" "$WORK/sim.out"; }
URL=$(sed -n 's/^Atlas simulator listening on //p' "$WORK/sim.out")
export ATLAS_SIM_URL=$URL
# The simulator's fixed demo key pair: it opens nothing but this local simulator.
export ATLAS_SIM_PUBLIC_KEY=$(value MONGODB_ATLAS_PUBLIC_API_KEY)
export ATLAS_SIM_PRIVATE_KEY=$(value MONGODB_ATLAS_PRIVATE_API_KEY)
echo "schemathesis.sh: atlas-sim on $URL (pid $SIM_PID)" >&2

export PYTHONPATH="$REPO/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in scripts/
REPORT_DIR=${SCHEMATHESIS_REPORT_DIR:-$WORK/report}

# A path exists in this spec only under its own server prefix (/api/atlas/v2/...), so
# --url is the bare origin. schemathesis keeps its crash store in ./.schemathesis: run
# it in the temporary folder so nothing lands in the repository.
status=0
cd "$WORK"
"$ST" --config-file "$REPO/scripts/schemathesis.toml" run "$SPEC" \
    --url "$URL" \
    --checks all \
    --header "Accept: application/vnd.atlas.2023-01-01+json" \
    --seed "${SCHEMATHESIS_SEED:-1}" \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-100}" \
    --request-timeout 30 \
    --report junit --report-dir "$REPORT_DIR" \
    --generation-database none \
    --no-color \
    "$@" || status=$?

kill -0 "$SIM_PID" 2>/dev/null || { echo "schemathesis.sh: atlas-sim died during the run" >&2; status=1; }
exit $status
