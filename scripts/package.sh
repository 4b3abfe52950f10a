#!/usr/bin/env bash
# Builds the Atlas CLI plugin archive of atlas-certs (docs/plugin.md):
#   atlas-certs_<version>_<os>_<arch>.tar.gz
# with one top-level folder holding manifest.yml, the binary, shell completions
# (bash, zsh, fish) and a man page. `atlas plugin install <owner>/atlas-certs` picks a
# release asset by the OS and architecture in its lower-cased name and strips the folder.
#
# usage: scripts/package.sh --out DIR [--github-owner OWNER] [--scratch-path PATH] [--binary PATH]
#   --out DIR            where the archive is written (created if missing)
#   --github-owner NAME  the manifest's github.owner (default: the placeholder your-github-owner;
#                        also ATLAS_CERTS_GITHUB_OWNER), needed by `atlas plugin update`
#   --scratch-path PATH  SwiftPM scratch path of the release build (default .build-release,
#                        so the debug build in .build stays)
#   --binary PATH        package this binary instead of building one (quick layout checks;
#                        a debug binary links the Swift runtime dynamically, which is only warned)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=""
owner="${ATLAS_CERTS_GITHUB_OWNER:-your-github-owner}"
scratch="$repo/.build-release"
binary=""

while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --github-owner) owner="$2"; shift 2 ;;
        --scratch-path) scratch="$2"; shift 2 ;;
        --binary) binary="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || { echo "package.sh: --out DIR is required" >&2; exit 2; }
case "$owner" in
    ""|*/*|*[[:space:]]*) echo "package.sh: --github-owner must be a GitHub user or organization name" >&2; exit 2 ;;
esac

# Runtime libraries of a binary: ldd on Linux, otool -L on macOS.
linked_libraries() {
    if command -v ldd >/dev/null 2>&1 && [ "$(uname -s)" = Linux ]; then ldd "$1"; else otool -L "$1"; fi
}

if [ -z "$binary" ]; then
    # The Swift runtime linked in, so the target machine needs no Swift toolchain.
    (cd "$repo" && swift build -c release --static-swift-stdlib --product atlas-certs --scratch-path "$scratch")
    binary="$(cd "$repo" && swift build -c release --static-swift-stdlib --product atlas-certs --scratch-path "$scratch" --show-bin-path)/atlas-certs"
    if linked_libraries "$binary" | grep -q libswift; then
        echo "package.sh: $binary still links the Swift runtime dynamically:" >&2
        linked_libraries "$binary" >&2
        exit 1
    fi
elif linked_libraries "$binary" | grep -q libswift; then
    echo "package.sh: warning: $binary links the Swift runtime dynamically; it runs only where Swift is installed" >&2
fi
[ -x "$binary" ] || { echo "package.sh: $binary is not an executable" >&2; exit 1; }

# The one source of the version: AtlasCertsVersion.current, printed by --version.
version="$("$binary" --version)"
if ! printf '%s\n' "$version" | grep -Eq '^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'; then
    echo "package.sh: '$version' from --version is not a semantic version" >&2
    exit 1
fi

os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$os" in linux|darwin) ;; *) echo "package.sh: unsupported OS $os" >&2; exit 1 ;; esac
case "$(uname -m)" in
    x86_64|amd64) arch=x86_64 ;;
    arm64|aarch64) arch=arm64 ;;
    *) echo "package.sh: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

name="atlas-certs_${version}_${os}_${arch}"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
folder="$staging/$name"
mkdir -p "$folder/completions" "$folder/man"

# The template's comment lines (which name the placeholders) are dropped.
sed -e '/^#/d' -e "s/@VERSION@/$version/" -e "s/your-github-owner/$owner/" "$repo/deploy/atlas-cli-plugin/manifest.yml" > "$folder/manifest.yml"
cp "$binary" "$folder/atlas-certs"
chmod 0755 "$folder/atlas-certs"
# Symbols and debug info are most of a release binary's size and no use to a plugin user;
# stripped when `strip` is there (the copy only: the build's own binary keeps them).
if command -v strip >/dev/null 2>&1; then
    before="$(wc -c < "$folder/atlas-certs")"
    strip "$folder/atlas-certs"
    echo "package.sh: stripped atlas-certs: $before -> $(wc -c < "$folder/atlas-certs") bytes" >&2
else
    echo "package.sh: no strip here; the binary keeps its symbols" >&2
fi
"$folder/atlas-certs" --generate-completion-script bash > "$folder/completions/atlas-certs.bash"
"$folder/atlas-certs" --generate-completion-script zsh > "$folder/completions/_atlas-certs"
"$folder/atlas-certs" --generate-completion-script fish > "$folder/completions/atlas-certs.fish"
python3 "$repo/scripts/manpage.py" "$folder/atlas-certs" "$version" > "$folder/man/atlas-certs.1"

# The CLI's installer refuses archives with symlinks.
if [ -n "$(find "$folder" -type l)" ]; then
    echo "package.sh: the archive would contain symlinks" >&2
    exit 1
fi

mkdir -p "$out"
archive="$(cd "$out" && pwd)/$name.tar.gz"
tar -C "$staging" -czf "$archive.partial" "$name"
mv "$archive.partial" "$archive"
echo "$archive"
