#!/usr/bin/env bash
# The desktop benchmark: release build, a demo database of 50,000 conversations (the
# simulator's three shops, frozen clock, imported with `kedai import`), then under Xvfb:
# window created → inbox painted, each filter switch → list repainted (the UI's own marks,
# KEDAI_BENCH=1), and the idle RSS of the app and all its child processes after 10 s.
# Usage: src-tauri/bench/bench-desktop.sh [CONVERSATIONS_PER_SHOP]   (default 16667 → 50,001)
set -euo pipefail
cd "$(dirname "$0")/../.."
PER_SHOP=${1:-16667}
OUT=artifacts/bench
mkdir -p "$OUT"
WORK=$(mktemp -d)
cleanup() {
  [ -n "${APP_PID:-}" ] && kill -TERM "$APP_PID" 2>/dev/null || true
  [ -n "${SIM_PID:-}" ] && kill -TERM "$SIM_PID" 2>/dev/null || true
  [ -n "${XVFB_PID:-}" ] && kill -TERM "$XVFB_PID" 2>/dev/null || true
  sleep 1
  # The database copy and the event log (about 170 MB) would otherwise stay in /tmp.
  rm -rf "$WORK"
}
trap cleanup EXIT

cargo build --release --locked -p kedai-cli
cargo build --release --locked -p kedai-desktop --features tauri/custom-protocol

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/release/kedai sim --port "$PORT" --seed 7 --speed 0 --conversations "$PER_SHOP" \
  --shops tiktok:MY,shopee:PH,lazada:MY > "$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/_sim/clock" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$PORT/_sim/events" > "$WORK/events.jsonl"
NOW=$(curl -sf "http://127.0.0.1:$PORT/_sim/clock" | python3 -c 'import json,sys; print(json.load(sys.stdin)["now"])')
kill -TERM "$SIM_PID"; SIM_PID=
./target/release/kedai import "$WORK/events.jsonl" --db "$WORK/bench.db"
CONVS=$(python3 -c "import sqlite3; print(sqlite3.connect('$WORK/bench.db').execute('select count(*) from conversations').fetchone()[0])")

for n in $(seq 200 300); do [ -e "/tmp/.X$n-lock" ] || { DISP=:$n; break; }; done
Xvfb "$DISP" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
sleep 1
DISPLAY=$DISP NO_AT_BRIDGE=1 KEDAI_BENCH=1 KEDAI_EXIT_ON_CLOSE=1 KEDAI_DATA_DIR="$WORK" \
  ./target/release/kedai-desktop --db "$WORK/bench.db" --now "$NOW" > "$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 120); do grep -q "filter:all" "$WORK/app.log" && break; sleep 0.5; done
sleep 10
# RSS of the app and every process under it (WebKit's web and network processes).
pids=$(python3 - "$APP_PID" <<'PY'
import os, sys
root = int(sys.argv[1]); kids = {}
for p in os.listdir('/proc'):
    if p.isdigit():
        try:
            ppid = int(open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(p))
        except OSError:
            pass
out, todo = [], [root]
while todo:
    p = todo.pop(); out.append(p); todo += kids.get(p, [])
print(' '.join(map(str, out)))
PY
)
RSS_KB=0
PER=""
for p in $pids; do
  r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
  RSS_KB=$((RSS_KB + ${r:-0}))
  PER="$PER $(cat "/proc/$p/comm" 2>/dev/null || echo "?") $(( ${r:-0} / 1024 )) MB,"
done
{
  echo "date: $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "conversations: $CONVS (per shop $PER_SHOP), now $NOW"
  grep KEDAI_BENCH "$WORK/app.log" | sed 's/^KEDAI_BENCH //'
  echo "idle RSS of $(echo $pids | wc -w) processes: $((RSS_KB / 1024)) MB (${PER# })"
  echo "load: $(uptime | sed 's/.*load average/load average/')"
} | tee "$OUT/desktop.txt"
