#!/usr/bin/env bash
# `make playground`: the bot on its embedded Redis plus Microsoft 365 Agents Playground, the
# local Teams emulator from npm, installed here in playground/ from package-lock.json (never
# globally). Prints the URL to open; Ctrl-C stops both.
#
# The Playground talks to the bot without credentials, so the bot runs anonymous
# (MicrosoftAppId unset). Its limits: no card refresh/userIds (the host's buttons never show:
# steer with `neste` and `avslutt`), no deletes, and only its "current user" can type.
#
#   PORT=3978 PLAYGROUND_PORT=56150 DATA_DIR=data/playground playground/run.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
py="${PY:-$root/.venv/bin/python}"
bot_port="${PORT:-3978}"
ui_port="${PLAYGROUND_PORT:-56150}"
data_dir="${DATA_DIR:-$root/data/playground}"
cli="$here/node_modules/@microsoft/m365agentsplayground/cli.js"

say() { printf '%s\n' "$*" >&2; }
die() { say "playground: $*"; exit 1; }

[ -x "$py" ] || die "no $py: run \`make playground\` (it sets up .venv) or set PY"
command -v node >/dev/null || die "node is missing (Node.js 20+: apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm is missing (apt-get install npm)"
port_free() { "$py" -c 'import socket,sys; socket.create_server(("127.0.0.1", int(sys.argv[1]))).close()' "$1" 2>/dev/null; }
port_free "$bot_port" || die "port $bot_port is taken (is \`make run\` running?): set PORT=..."
port_free "$ui_port" || die "port $ui_port is taken: set PLAYGROUND_PORT=..."

# npm ci only when the lock file is newer than what is installed (or nothing is).
if [ ! -f "$cli" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  say "Installing the Agents Playground into playground/node_modules (npm ci)..."
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p "$here/devTools"
ui_log="$here/devTools/playground.out"
bot_pid=""
ui_pid=""

alive() { for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }

stop() {
  trap - INT TERM EXIT
  for pid in $ui_pid $bot_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  # The bot shuts its embedded Redis down on SIGTERM; give it time before we give up.
  for _ in $(seq 150); do
    alive $ui_pid $bot_pid || break
    sleep 0.1
  done
  for pid in $ui_pid $bot_pid; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# Each child in its own process group (set -m), so Ctrl-C reaches only this script, which
# then stops both exactly once, the bot with SIGTERM (a second signal could cut its shutdown).
set -m
env -u MicrosoftAppId -u MicrosoftAppPassword -u MicrosoftAppType -u MicrosoftAppTenantId \
  -u REDIS_URL HOST=127.0.0.1 PORT="$bot_port" DATA_DIR="$data_dir" \
  "$py" "$root/app.py" </dev/null &
bot_pid=$!
set +m

"$py" - "$bot_port" "$bot_pid" <<'EOF' || die "the bot did not start (see its log above)"
import os, sys, time, urllib.request
port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
            if answer.status == 200:
                sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    time.sleep(0.2)
sys.exit(1)
EOF

# cwd playground/: the Playground writes devTools/m365agentsplayground.log there.
set -m
(cd "$here" && exec env APPLICATION_INSIGHTS_NO_STATSBEAT=1 \
  TEAMSAPPTESTER_BROWSER="${TEAMSAPPTESTER_BROWSER:-none}" \
  node "$cli" -e "http://127.0.0.1:$bot_port/api/messages" -c msteams -p "$ui_port" \
  --disable-telemetry </dev/null >"$ui_log" 2>&1) &
ui_pid=$!
set +m

for _ in $(seq 300); do
  grep -q "Listening on" "$ui_log" 2>/dev/null && break
  kill -0 "$ui_pid" 2>/dev/null || { cat "$ui_log" >&2; die "the Playground did not start"; }
  sleep 0.1
done
port="$(sed -n 's/^Listening on \([0-9][0-9]*\).*/\1/p' "$ui_log" | head -n 1)"
[ -n "$port" ] || { cat "$ui_log" >&2; die "the Playground did not start"; }

say ""
say "  Digikok is running in the Microsoft 365 Agents Playground (a local Teams emulator)."
say ""
say "  Open  http://localhost:$port"
say ""
say "  In Personal Chat type:  start Bedre skolevei   then press \"Check in\","
say "  and steer as the host with:  neste  (next phase)  and  avslutt  (end, summary)."
say "  The Playground cannot refresh cards, so the host's buttons never show there."
say "  Bot data: $data_dir   Playground log: $here/devTools/"
say "  Stop with Ctrl-C."
say ""

# Until Ctrl-C, or until either process exits on its own (then stop the other one too).
set +e
wait -n "$bot_pid" "$ui_pid"
status=$?
set -e
say "playground: a process exited (status $status); stopping"
exit "$status"
