# What the independent checks (independent-api.sh, independent-delivery.sh) share: the toolchain,
# autocannon, a port and a data directory, CPU from /proc, and a Tidings process on core 0.
# Sourced, not run. Processes to stop on exit go into `pids`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/toolchain.sh"
autocannon=$root/bench/node_modules/.bin/autocannon
token=independent-check-token
port=$((20000 + RANDOM % 20000))
data=$(mktemp -d)
pids=()
# user + system clock ticks (10 ms) of a process, every thread counted
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

# the server's start script (`node <flags> src/main.ts`), flags and all, as `pnpm start` runs it
start_command=$(node -p "require('$root/packages/server/package.json').scripts.start")

# Starts Tidings on core 0 with the token above (more environment as arguments, NAME=value), waits
# until it answers, and sets `tidings` to its pid.
start_tidings() {
  (cd "$root/packages/server" && exec env PORT="$port" HOST=127.0.0.1 TIDINGS_DATA_DIR="$data" TIDINGS_BOOTSTRAP_TOKEN="$token" \
    TIDINGS_RATE_LIMIT=0 LOG_LEVEL=warn "$@" taskset -c 0 $start_command >"$data/tidings.log" 2>&1) &
  tidings=$!
  pids+=("$tidings")
  until curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null; do
    # a server that could not start (a bad flag, a port taken) says why in its log
    kill -0 "$tidings" 2>/dev/null || { echo "tidings did not start:" >&2; cat "$data/tidings.log" >&2; exit 1; }
    sleep 0.2
  done
}
