#!/usr/bin/env bash
# An independent check of the delivery-throughput case, outside the harness. Tidings runs on core 0.
# A sink of this script's own on core 1 counts what arrives. autocannon's CLI on core 1 sends profile
# updates for 5 s (32 connections, a new value each time, so every update is a change with a message).
# The rate is the messages the sink received, divided by the time from the first update to the last
# arrival. The baseline is a loop of this script's own on core 0 (as the harness's raw POST loop runs on
# the server core): undici, 32 requests in flight for 5 s, POSTing the same message body and headers to
# the same sink. 3 interleaved rounds.
# Compare with what `pnpm bench --only=delivery-throughput` reports.
# Usage: bash bench/independent-delivery.sh
source "$(dirname "$0")/independent-common.sh"
sink_port=$((port + 1))
now() { date +%s.%N; }

# the sink: 204 to every POST; GET /count says how many arrived, GET /last the last body and headers
cat >"$data/sink.mjs" <<'SINK'
import { createServer } from 'node:http';
let count = 0;
let last = null;
createServer((request, response) => {
  if (request.method === 'GET') {
    response.end(request.url === '/last' ? JSON.stringify(last) : String(count));
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    count++;
    last = { body: Buffer.concat(chunks).toString(), headers: request.headers };
    response.writeHead(204);
    response.end();
  });
}).listen(Number(process.argv[2]), '127.0.0.1');
SINK
# the baseline: undici (the client Tidings sends with), 32 in flight, for argv[3] seconds; prints msg/s
cat >"$data/post-loop.mjs" <<'LOOP'
import { Pool } from 'undici';
const [url, messageJson, seconds] = process.argv.slice(2);
const { body, headers } = JSON.parse(messageJson);
const pick = ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];
const sent = Object.fromEntries(pick.map((name) => [name, headers[name]]));
const target = new URL(url);
const pool = new Pool(target.origin, { connections: 32 });
const until = performance.now() + Number(seconds) * 1000;
let done = 0;
async function lane() {
  while (performance.now() < until) {
    const response = await pool.request({ path: target.pathname, method: 'POST', headers: sent, body });
    await response.body.dump();
    if (response.statusCode === 204) done++;
  }
}
const start = performance.now();
await Promise.all(Array.from({ length: 32 }, lane));
console.log(Math.round(done / ((performance.now() - start) / 1000)));
await pool.close();
LOOP
ln -s "$root/bench/node_modules" "$data/node_modules"
taskset -c 1 node "$data/sink.mjs" "$sink_port" &
pids+=($!)

start_tidings TIDINGS_ALLOWED_NETWORKS=127.0.0.0/8
until curl -sf "http://127.0.0.1:$sink_port/count" >/dev/null; do sleep 0.2; done
auth=(-H "authorization: Bearer $token" -H 'content-type: application/json')
api=http://127.0.0.1:$port/v1
curl -sf "${auth[@]}" -d '{"name":"customers"}' "$api/databases" >/dev/null
curl -sf "${auth[@]}" -d "{\"url\":\"http://127.0.0.1:$sink_port/hook\",\"action\":\"update\"}" "$api/database/1/callbacks" >/dev/null
curl -sf "${auth[@]}" -d '{"fields":{"n":"0"}}' "$api/database/1/profiles" >/dev/null
arrived() { curl -sf "http://127.0.0.1:$sink_port/count"; }

# Sends updates for $1 seconds and waits until the sink has every message they queued. Prints
# "messages seconds cpu-ticks".
tidings_run() {
  local before_count before_cpu start result accepted expected end
  before_count=$(arrived)
  before_cpu=$(cpu_ticks "$tidings")
  start=$(now)
  result=$(taskset -c 1 "$autocannon" -c 32 -d "$1" -j -m PUT -H "authorization=Bearer $token" -H 'content-type=application/json' \
    --idReplacement -b '{"fields":{"n":"[<id>]"}}' "$api/profile/1" 2>/dev/null)
  accepted=$(node -e 'const r = JSON.parse(process.argv[1]); console.log(r["2xx"])' "$result")
  expected=$((before_count + accepted))
  local waited=0
  until [ "$(arrived)" -ge "$expected" ]; do
    sleep 0.02
    waited=$((waited + 1))
    if [ "$waited" -gt 3000 ]; then echo "lost: $(($(arrived) - before_count)) of $accepted arrived" >&2; exit 1; fi
  done
  end=$(now)
  echo "$(($(arrived) - before_count)) $(node -e "console.log((${end} - ${start}).toFixed(3))") $(($(cpu_ticks "$tidings") - before_cpu))"
}

tidings_run 2 >/dev/null   # warm-up, and a message for the baseline to copy
last=$(curl -sf "http://127.0.0.1:$sink_port/last")
taskset -c 0 node "$data/post-loop.mjs" "http://127.0.0.1:$sink_port/hook" "$last" 2 >/dev/null

for round in 1 2 3; do
  raw=$(taskset -c 0 node "$data/post-loop.mjs" "http://127.0.0.1:$sink_port/hook" "$last" 5)
  read -r messages seconds ticks < <(tidings_run 5)
  # clock ticks are 10 ms: µs per message = ticks × 10,000 ÷ messages
  echo "round $round: raw POST $raw msg/s; tidings $messages messages in $seconds s = $(node -e "console.log(Math.round($messages / $seconds))") msg/s, $((ticks * 10000 / messages)) µs CPU/message"
done
