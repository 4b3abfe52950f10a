#!/usr/bin/env bash
# Fuzz/seed.sh [output-dir]: seeds from the recorded Atlas responses in ../shared, made at
# run time and never committed (the repository keeps only its own hand-written seeds in
# Fuzz/Corpus/). Each recording (status line, headers, blank line, body) gives:
#   digest      its WWW-Authenticate values        lists       its 2xx JSON body
#   error-body  "<status>\n<body>" of a 4xx/5xx    pem         the body of the create answer
#   sanitizer, width   every header value and body
# Without ../shared (ATLAS_CERTS_SHARED_DIR overrides) it makes nothing and says so.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/.build/shared-seeds}"
shared="${ATLAS_CERTS_SHARED_DIR:-$here/../../shared}"
recordings="$shared/atlas-recordings"
if [ ! -d "$recordings" ]; then
  echo "seed.sh: no $recordings; only the seeds in Fuzz/Corpus are used"
  exit 0
fi
mkdir -p "$out"/{digest,sanitizer,width,lists,error-body,pem}
count=0
for file in "$recordings"/*.snaphost; do
  [ -e "$file" ] || continue
  name="$(basename "$file" .snaphost)"
  status="$(head -1 "$file" | awk '{print $2}')"
  body="$(sed '1,/^\r\{0,1\}$/d' "$file")"
  headers="$(sed -n '2,/^\r\{0,1\}$/p' "$file" | sed 's/\r$//')"
  challenges="$(printf '%s\n' "$headers" | sed -n 's/^[Ww][Ww][Ww]-[Aa]uthenticate: //p')"
  [ -n "$challenges" ] && printf '%s' "$challenges" > "$out/digest/$name"
  case "$status" in
    2*) printf '%s' "$body" > "$out/lists/$name.json" ;;
    *)  printf '%s\n%s' "$status" "$body" > "$out/error-body/$name" ;;
  esac
  case "$body" in *"-----BEGIN"*) printf '%s' "$body" > "$out/pem/$name" ;; esac
  printf '%s' "$body" > "$out/sanitizer/$name"
  printf '\x14%s' "$(printf '%s\n' "$headers" | cut -d' ' -f2- | head -20)" > "$out/width/$name"
  count=$((count + 1))
done
echo "seed.sh: $count recordings from $recordings seeded $out"
