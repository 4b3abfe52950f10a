#!/usr/bin/env bash
# Fuzz/run.sh [seconds-per-target] [target...]: builds the libFuzzer binary (release,
# -sanitize=fuzzer,address) and runs each target (all by default) for the given time,
# 60 s unless told. Fails when any target finds a crash, a broken invariant, a leak,
# a timeout (-timeout=5: one input taking over 5 s) or runs out of memory (2 GiB).
# Found inputs go to Fuzz/.build/artifacts/<target>/; replay one with
#   ATLAS_FUZZ_TARGET=<target> Fuzz/.build/release/AtlasFuzz <file>
# Each target's growing corpus is kept in Fuzz/.build/corpus/<target> between runs; the
# committed seeds (Fuzz/Corpus/<target>), the past finds (Fuzz/Findings/<target>-*) and the
# seeds seed.sh makes from ../shared are read only.
# FUZZ_CONFIGURATION=debug builds unoptimised instead: about 6 minutes from nothing on an
# idle 2-core machine against 14.5 for release, at a few times fewer executions a second;
# what .ci/run uses for its short run of every target.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-60}"
shift || true
all=(digest sanitizer width keys lists error-body config cache pem)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

start=$(date +%s)
# FUZZ_SKIP_BUILD=1: use the binary already built (several run.sh at once, one build).
if [ -z "${FUZZ_SKIP_BUILD:-}" ]; then
  swift build --package-path "$here" -c "${FUZZ_CONFIGURATION:-release}" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library </dev/null
  echo "run.sh: fuzz build took $(( $(date +%s) - start )) s"
fi
binary="$here/.build/${FUZZ_CONFIGURATION:-release}/AtlasFuzz"
"$here/seed.sh" "$here/.build/shared-seeds" >/dev/null

failed=()
summary=()
for target in "${targets[@]}"; do
  work="$here/.build/corpus/$target"
  artifacts="$here/.build/artifacts/$target"
  log="$here/.build/logs/$target.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  seeds=("$here/Corpus/$target")
  [ -d "$here/.build/shared-seeds/$target" ] && seeds+=("$here/.build/shared-seeds/$target")
  # Every input a run has found (Fuzz/Findings/<target>-*) is read first, as a seed: a
  # find that comes back fails the run at once.
  findings="$here/.build/findings/$target"
  rm -rf "$findings" && mkdir -p "$findings"
  for found in "$here/Findings/$target"-*; do [ -e "$found" ] && cp "$found" "$findings/"; done
  seeds+=("$findings")
  echo "run.sh: fuzzing $target for $seconds s"
  status=0
  # No Swift backtracer: its crash handler reads unmapped memory, which ASan reports over
  # the real failure.
  ATLAS_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no \
    LSAN_OPTIONS="suppressions=$here/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}" "$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "${seeds[@]}" \
    </dev/null >"$log" 2>&1 || status=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  [ -n "$done_line" ] || done_line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  corpus=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$done_line")
  summary+=("$(printf '%-10s status=%s execs=%s exec/s=%s cov=%s ft=%s corpus=%s' "$target" "$status" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corpus:-?}")")
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "run.sh: $target FAILED (exit $status); the end of $log:"
    tail -40 "$log"
  fi
done
printf '%s\n' "run.sh: ${seconds} s per target, $(( $(date +%s) - start )) s in all:" "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "run.sh: failures in ${failed[*]}; inputs in $here/.build/artifacts/"
  exit 1
fi
