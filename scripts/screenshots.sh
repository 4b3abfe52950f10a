#!/usr/bin/env bash
# Captures the screens of the running certificate browser into docs/screenshots.
#
# It builds atlas-certs, runs `atlas-certs demo --seed N` (the embedded Atlas
# simulator, no account) in a private tmux server at 110x30, drives it with
# `tmux send-keys`, waits for each screen by polling `tmux capture-pane` for
# the text it must show, and saves every screen twice:
#   docs/screenshots/NAME.txt   the plain text of the screen
#   docs/screenshots/NAME.svg   the same with its colours (scripts/ansi2svg.py)
#
# Screens: projects, users, filter (a filtered users table), certificates,
# detail (one certificate), help (the key overlay) and too-small (the screen
# shown below the minimum terminal size).
#
# Needs: tmux, python3, and Swift unless the build is skipped.
# Environment:
#   SCREENSHOTS_SKIP_BUILD=1   use the existing binary, do not run `swift build`
#   SCREENSHOTS_SEED=N         demo data seed (default 5)
#   SCREENSHOTS_TIMEOUT=S      seconds to wait for any one screen (default 60)
#   SCREENSHOTS_OUT=DIR        output folder (default docs/screenshots)
#   ATLAS_CERTS_BIN=PATH       the binary (default .build/debug/atlas-certs)
#
# The demo's data is generated relative to the current time, so dates and
# "time left" differ from run to run; names, IDs and the layout do not.
set -euo pipefail

cd "$(dirname "$0")/.."

SEED=${SCREENSHOTS_SEED:-5}
TIMEOUT=${SCREENSHOTS_TIMEOUT:-60}
OUT=${SCREENSHOTS_OUT:-docs/screenshots}
BIN=${ATLAS_CERTS_BIN:-$PWD/.build/debug/atlas-certs}
COLS=110
ROWS=30
SOCKET="atlas-shots-$$"
SESSION=shots

die() { echo "screenshots: $*" >&2; exit 1; }

command -v tmux >/dev/null || die "tmux is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

if [ "${SCREENSHOTS_SKIP_BUILD:-}" != 1 ]; then
    echo "screenshots: swift build --product atlas-certs" >&2
    swift build --product atlas-certs >&2 || die "the build failed (SCREENSHOTS_SKIP_BUILD=1 uses the existing binary)"
fi
[ -x "$BIN" ] || die "no binary at $BIN"

WORK=$(mktemp -d)
SOCKET_PATH=
tm() { tmux -L "$SOCKET" "$@"; }
cleanup() {
    tm kill-server 2>/dev/null || true
    # This tmux leaves its socket file behind after kill-server.
    if [ -n "$SOCKET_PATH" ] && [ -S "$SOCKET_PATH" ]; then rm -f "$SOCKET_PATH"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Inside tmux a program's TERM is tmux's own; tmux-256color has no bce, so
# ncurses writes the footer's background as real cells and the capture keeps it.
TERM_INSIDE=tmux-256color
infocmp "$TERM_INSIDE" >/dev/null 2>&1 || TERM_INSIDE=screen-256color

cat > "$WORK/tmux.conf" <<EOF
set -g status off
set -g remain-on-exit on
set -g default-terminal $TERM_INSIDE
EOF
# An empty settings file: the default thresholds, whatever the user's own file says.
: > "$WORK/config.toml"

mkdir -p "$OUT"

# --- Waiting and capturing --------------------------------------------------

screen_text() { tm capture-pane -p -t "$SESSION"; }

show_screen_and_die() {
    echo "screenshots: $*" >&2
    echo "---- the screen was: ----" >&2
    screen_text >&2 || true
    echo "-------------------------" >&2
    exit 1
}

# Dead with its exit status known (tmux can mark the pane dead a moment before it
# has reaped the program and knows the status).
pane_dead() { [ -n "$(tm display -p -t "$SESSION" '#{pane_dead_status}' 2>/dev/null)" ]; }

# wait_for PATTERN...: until every extended regex matches the screen.
wait_for() {
    local deadline=$((SECONDS + TIMEOUT)) text pattern missing
    while :; do
        pane_dead && show_screen_and_die "the program exited while waiting for: $*"
        text=$(screen_text)
        missing=
        for pattern in "$@"; do
            grep -Eq -- "$pattern" <<<"$text" || { missing=$pattern; break; }
        done
        [ -z "$missing" ] && return 0
        [ "$SECONDS" -ge "$deadline" ] && show_screen_and_die "timed out after ${TIMEOUT}s waiting for: $missing"
        sleep 0.1
    done
}

# wait_gone PATTERN: until the screen no longer matches it.
wait_gone() {
    local deadline=$((SECONDS + TIMEOUT))
    while screen_text | grep -Eq -- "$1"; do
        [ "$SECONDS" -ge "$deadline" ] && show_screen_and_die "timed out after ${TIMEOUT}s waiting for '$1' to go"
        sleep 0.1
    done
}

# capture NAME TITLE: once two captures in a row agree (the frame is fully
# painted), writes OUT/NAME.txt and OUT/NAME.svg.
capture() {
    local name=$1 title=$2 previous="" current tries=0 width height
    while :; do
        current=$(tm capture-pane -p -e -N -t "$SESSION")
        [ -n "$previous" ] && [ "$current" = "$previous" ] && break
        tries=$((tries + 1))
        [ "$tries" -ge 50 ] && break    # a spinner that never stops: take the last one
        previous=$current
        sleep 0.15
    done
    printf '%s\n' "$current" > "$WORK/$name.ansi"
    width=$(tm display -p -t "$SESSION" '#{pane_width}')
    height=$(tm display -p -t "$SESSION" '#{pane_height}')
    python3 scripts/ansi2svg.py --cols "$width" --rows "$height" --title "$title" \
        --text "$OUT/$name.txt" "$WORK/$name.ansi" "$OUT/$name.svg"
    echo "screenshots: $OUT/$name.svg (${width}x${height})" >&2
}

keys() { tm send-keys -t "$SESSION" "$@"; }
typed() { tm send-keys -t "$SESSION" -l "$1"; }

# --- The tour ---------------------------------------------------------------

# Started in the scratch directory, which the create dialog proposes for the key file.
tm -f "$WORK/tmux.conf" new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" -c "$WORK" -- \
    env -u NO_COLOR -u ATLAS_CERTS_CLIPBOARD -u ATLAS_CERTS_CLIPBOARD_COMMAND \
    TERM="$TERM_INSIDE" LANG=C.UTF-8 LC_ALL=C.UTF-8 ATLAS_CERTS_CONFIG="$WORK/config.toml" \
    "$BIN" demo --seed "$SEED"
SOCKET_PATH=$(tm display -p '#{socket_path}')

# Projects: every project's users and certificates have loaded when the
# footer says "updated" instead of showing the spinner.
wait_for 'PROJECT +ID' 'updated [0-9]'
capture projects "atlas-certs: projects, with certificate counts by status"

# Users of the project with the soonest expiry (the top row).
keys Enter
wait_for 'USERNAME' 'updated [0-9]'
capture users "atlas-certs: the database users of a project"

# A filter: the users whose status is critical.
typed /
wait_for '^ /'
typed crit
wait_for '^ /crit'
keys Enter
wait_for 'filter /crit \(Esc clears\)'
capture filter "atlas-certs: the users table filtered by /crit"

# Esc clears the filter; the top row has the soonest expiry, so it has certificates.
keys Escape
wait_gone 'filter /crit'
typed g
keys Enter
wait_for 'SUBJECT' 'EXPIRES' 'updated [0-9]'
capture certificates "atlas-certs: the certificates of one user"

keys Enter
wait_for 'ID \(decimal\)' 'Validity'
capture detail "atlas-certs: one certificate in detail"

typed '?'
wait_for ' Keys ' 'closes'
capture help "atlas-certs: the help overlay, generated from the keymap"
keys Escape
wait_gone ' Keys '

tm resize-window -t "$SESSION" -x 36 -y 8
wait_for 'Terminal too small'
capture too-small "atlas-certs: the screen below the minimum size (40x10)"
tm resize-window -t "$SESSION" -x "$COLS" -y "$ROWS"
wait_for 'ID \(decimal\)'

# The all-certificates view (a), then the create dialog (n) for the top row's user,
# closed with Esc: nothing is created.
typed a
wait_for 'All certificates' 'All [0-9]+ certificates'
capture fleet "atlas-certs: every certificate of every project, soonest expiry first (a)"
typed n
wait_for 'Create an Atlas-managed certificate' 'Esc cancel'
capture create "atlas-certs: the create dialog (n): who, how long, and which new 0600 file gets the key"
keys Escape
wait_for 'No certificate was created'

# Quit with q and check the program ended cleanly. Debian's tmux 3.3a with
# libutempter can miss the SIGCHLD of an exited pane (tmux#311), so nudge the
# server with one while waiting.
server_pid=$(tm display -p '#{pid}')
typed q
deadline=$((SECONDS + TIMEOUT))
until pane_dead; do
    [ "$SECONDS" -ge "$deadline" ] && die "atlas-certs did not quit on q within ${TIMEOUT}s"
    kill -CHLD "$server_pid" 2>/dev/null || true
    sleep 0.1
done
status=$(tm display -p -t "$SESSION" '#{pane_dead_status}')
[ "$status" = 0 ] || die "atlas-certs exited with status $status after q"
echo "screenshots: done; atlas-certs quit with status 0" >&2
