#!/usr/bin/env bash
# The desktop benchmark: release build, a demo database of 50,000 conversations (the
# simulator's three shops, frozen clock, imported with `kedai import`), then under Xvfb:
# window created → inbox painted, each filter switch → list repainted (the UI's own marks,
# KEDAI_BENCH=1), and the idle RSS of the app and all its child processes after 10 s.
# Usage: src-tauri/bench/bench-desktop.sh [CONVERSATIONS_PER_SHOP]   (default 16667 → 50,001)
# KEDAI_BENCH_KEEP=DIR keeps the database (and its clock) in DIR and uses it again on the next
# run, which then skips the simulator and the import.
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

KEEP=${KEDAI_BENCH_KEEP:-}
if [ -n "$KEEP" ] && [ -f "$KEEP/bench.db" ] && [ -f "$KEEP/now" ]; then
  cp "$KEEP/bench.db" "$WORK/bench.db"
  NOW=$(cat "$KEEP/now")
else
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/release/kedai sim --port "$PORT" --seed 7 --speed 0 --conversations "$PER_SHOP" \
  --shops tiktok:MY,shopee:PH,lazada:MY > "$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/_sim/clock" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$PORT/_sim/events" > "$WORK/events.jsonl"
NOW=$(curl -sf "http://127.0.0.1:$PORT/_sim/clock" | python3 -c 'import json,sys; print(json.load(sys.stdin)["now"])')
kill -TERM "$SIM_PID"; SIM_PID=
./target/release/kedai import "$WORK/events.jsonl" --db "$WORK/bench.db"
rm -f "$WORK/events.jsonl"
if [ -n "$KEEP" ]; then
  mkdir -p "$KEEP"
  cp "$WORK/bench.db" "$KEEP/bench.db"
  echo "$NOW" > "$KEEP/now"
fi
fi
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
# Per process: RSS, and what it is made of (anonymous memory, mapped files such as shared
# libraries, shared memory), and PSS (shared pages divided among the processes mapping them).
# Then the pages resident in any of the processes, each page counted once (the physical
# frames of /proc/PID/pagemap; reading them needs root, otherwise this is left out).
MEM=$(python3 - $pids <<'PY'
import array, sys
tot, pss_tot, parts, frames, readable = 0, 0, [], set(), False
for pid in sys.argv[1:]:
    try:
        st = dict(l.split(':', 1) for l in open(f'/proc/{pid}/status'))
        comm = open(f'/proc/{pid}/comm').read().strip()
        pss = next(int(l.split()[1]) for l in open(f'/proc/{pid}/smaps_rollup') if l.startswith('Pss:'))
        ranges, cur = [], None
        for l in open(f'/proc/{pid}/smaps'):
            f = l.split()
            if ':' not in f[0] and '-' in f[0]:
                cur = [int(x, 16) for x in f[0].split('-')]
            elif f[0] == 'Rss:' and int(f[1]) > 0:
                ranges.append(cur)
        with open(f'/proc/{pid}/pagemap', 'rb') as pm:
            for a, b in ranges:
                pm.seek(a // 4096 * 8)
                entries = array.array('Q')
                entries.frombytes(pm.read((b - a) // 4096 * 8))
                present = [e & ((1 << 55) - 1) for e in entries if e >> 63]
                readable = readable or any(present)
                frames.update(present)
    except (OSError, StopIteration):
        continue
    kb = lambda k: int(st.get(k, '0 kB').split()[0])
    tot += kb('VmRSS'); pss_tot += pss
    parts.append(f"{comm} {kb('VmRSS')//1024} MB (anon {kb('RssAnon')//1024}, "
                 f"file {kb('RssFile')//1024}, shmem {kb('RssShmem')//1024})")
print(f"idle RSS of {len(parts)} processes: {tot//1024} MB ({'; '.join(parts)}); PSS {pss_tot//1024} MB")
if readable:
    print(f"idle resident pages of the {len(parts)} processes, each counted once: {len(frames) * 4 // 1024} MB")
PY
)
{
  echo "date: $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "conversations: $CONVS (per shop $PER_SHOP), now $NOW"
  grep KEDAI_BENCH "$WORK/app.log" | sed 's/^KEDAI_BENCH //'
  echo "$MEM"
  echo "load: $(uptime | sed 's/.*load average/load average/')"
} | tee "$OUT/desktop.txt"
