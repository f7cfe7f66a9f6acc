#!/usr/bin/env bash
# Smoke test: each sio_loadgen scenario, tiny, against a fresh sio_bench_server, plus the
# closed-loop (--window) fan-out over WebSocket and over long-polling.
# Usage: smoke.sh SIO_BENCH_SERVER SIO_LOADGEN. No timing assertions.
set -euo pipefail
server_bin=$1
loadgen_bin=$2
out=$(mktemp)
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -f "$out"
}
trap cleanup EXIT

"$server_bin" 0 >"$out" &
server_pid=$!
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's|^bench server on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$out")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "smoke: the server printed no port"; exit 1; }
echo "smoke: server on port $port"

# field NAME JSON: the integer value of a top-level key of the report line.
field() { grep -oE "\"$1\":[0-9]+" <<<"$2" | head -1 | cut -d: -f2; }

failed=0
# name scenario [extra args]: fanout runs 1 s paced, fanout-window stops after --count
# broadcasts with at most --window in flight, fanout-polling is the same over long-polling.
cases=(
    "connect connect"
    "echo echo"
    "fanout fanout --rate 200 --senders 2"
    "idle idle"
    "fanout-window fanout --window 4 --count 100 --senders 2 --duration 10"
    "fanout-polling fanout --transport polling --window 4 --count 50 --duration 10"
)
for case in "${cases[@]}"; do
    read -r name scenario extra <<<"$case"
    status=0
    # shellcheck disable=SC2086 # extra is a list of words
    line=$("$loadgen_bin" --url "http://127.0.0.1:$port" --scenario "$scenario" --clients 5 \
        --duration 1 $extra 2>/dev/null) || status=$?
    echo "smoke: $name -> exit $status: $line"
    if [ "$status" -ne 0 ]; then
        failed=1
        continue
    fi
    if command -v python3 >/dev/null; then
        python3 -c 'import json, sys; json.loads(sys.argv[1])' "$line" ||
            { echo "smoke: $name: not JSON"; failed=1; continue; }
    fi
    ops=$(field ops "$line")
    if [ -z "$ops" ] || [ "$ops" -le 0 ]; then
        echo "smoke: $name: ops is not > 0"
        failed=1
    fi
    if [ "$scenario" = fanout ] && [ "$(field delivered "$line")" != "$(field expected "$line")" ]; then
        echo "smoke: $name: delivered != expected"
        failed=1
    fi
    count=$(sed -n 's/.*--count \([0-9]*\).*/\1/p' <<<"$extra")
    if [ -n "$count" ] && [ "$ops" != "$count" ]; then
        echo "smoke: $name: sent $ops broadcasts, not --count $count"
        failed=1
    fi
done

kill "$server_pid"
if ! wait "$server_pid"; then
    echo "smoke: the server did not exit cleanly"
    failed=1
fi
server_pid=
[ "$failed" -eq 0 ] && echo "smoke: ok"
exit "$failed"
