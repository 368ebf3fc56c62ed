#!/usr/bin/env bash
# An independent check of the api-get, api-list and api-create cases, outside the harness: Tidings and the raw
# baseline server started by hand on core 0, autocannon's own CLI on core 1 (32 connections, 2 s
# warm-up, 5 s measured, 3 interleaved rounds), CPU read from /proc/<pid>/stat here. Compare with
# what `pnpm bench --only=api-get,api-list,api-create` reports.
# Usage: bash bench/independent-api.sh [get|list|create] [autocannon|wrk]
#   get: GET /v1/callback/1; list: a page of 100 callbacks; create: POST /v1/database/1/callbacks with a
#   new condition on every request (autocannon's [<id>], a counter in wrk's Lua), the raw server
#   answering the 201's bytes
#   wrk: the load comes from wrk (Debian's, written in C, one thread, 32 connections) instead of
#   autocannon (the harness's generator, written in JavaScript): a check that the ratio does not come
#   from the generator. As root it installs wrk with apt-get when it is missing.
source "$(dirname "$0")/independent-common.sh"
tool=${2:-autocannon}
case $tool in
  autocannon) ;;
  wrk) command -v wrk >/dev/null || bash "$root/scripts/test-prerequisites.sh" wrk
    command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; } ;;
  *) echo "usage: $0 [get|list|create] [autocannon|wrk]" >&2; exit 2 ;;
esac
case=${1:-get}
autocannon_args=()
case $case in
  get) count=1; path=/v1/callback/1 ;;
  list) count=100; path='/v1/database/1/callbacks?limit=100' ;;
  create)
    count=0; path=/v1/database/1/callbacks
    created='{"url":"http://127.0.0.1:9/hooks/created","expression":"company == '"'Apple'"' \u0026\u0026 city != '"'City [<id>]'"'","action":"update"}'
    autocannon_args=(-m POST -H 'content-type=application/json' -b "$created" -I) ;;
  *) echo "usage: $0 [get|list|create] [autocannon|wrk]" >&2; exit 2 ;;
esac
# as in the harness, each run of creates goes to a database of its own, with room for all of them
start_tidings TIDINGS_MAX_CALLBACKS_PER_DATABASE=100000 TIDINGS_ALLOWED_NETWORKS=127.0.0.0/8
auth=(-H "authorization: Bearer $token" -H 'content-type: application/json')
curl -sf "${auth[@]}" -d '{"name":"customers"}' "http://127.0.0.1:$port/v1/databases" >/dev/null
for i in $(seq 1 "$count"); do
  curl -sf "${auth[@]}" -d "{\"url\":\"https://hooks.example.org/tidings/$i\",\"expression\":\"company == 'Apple $i'\"}" \
    "http://127.0.0.1:$port/v1/database/1/callbacks" >/dev/null
done
# what the raw server answers: Tidings' own answer to one request (status, headers but the transport's, body)
BENCH_RESPONSE=$(node -e '
  const [url, token, body] = process.argv.slice(1);
  const init = { method: body ? "POST" : "GET", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } };
  if (body) init.body = body.replace("[<id>]", "sample");
  const response = await fetch(url, init);
  const transport = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !transport.has(name)));
  console.log(JSON.stringify({ status: response.status, headers, body: await response.text() }));
' "http://127.0.0.1:$port$path" "$token" "${created:-}") \
  taskset -c 0 node "$root/bench/processes/raw-server.ts" >"$data/raw.log" 2>&1 &
raw=$!
pids+=("$raw")
until grep -q listening "$data/raw.log" 2>/dev/null; do sleep 0.2; done
raw_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$data/raw.log" | head -1)$path

# the path of a run against Tidings: creates get a fresh database each time
tidings_path() {
  if [ "$case" != create ]; then echo "$path"; return; fi
  local id
  id=$(curl -sf "${auth[@]}" -d '{"name":"creates"}' "http://127.0.0.1:$port/v1/databases" | node -e 'let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => console.log(JSON.parse(t).ID))')
  echo "/v1/database/$id/callbacks"
}

# wrk sends a new condition on every create from a Lua script: the body with [<id>] as a counter
cat >"$data/create.lua" <<'LUA'
local template = string.gsub(os.getenv("CREATED"), "%[<id>%]", "%%d")
local counter = 0
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  return wrk.format("POST", nil, nil, string.format(template, counter))
end
LUA
# one run of `seconds` against `url`; prints the requests completed and those that were not 2xx
load() {
  local seconds=$1 url=$2
  if [ "$tool" = wrk ]; then
    local script=()
    [ "$case" = create ] && script=(-s "$data/create.lua")
    local out
    out=$(CREATED=${created:-} taskset -c 1 wrk -t1 -c32 -d"${seconds}s" -H "authorization: Bearer $token" "${script[@]}" "$url")
    echo "$(grep -o '[0-9]* requests in' <<<"$out" | grep -o '^[0-9]*') $( (grep -o 'Non-2xx or 3xx responses: [0-9]*' <<<"$out" || echo 0) | grep -o '[0-9]*$')"
  else
    local result
    result=$(taskset -c 1 "$autocannon" -c 32 -d "$seconds" -j -H "authorization=Bearer $token" "${autocannon_args[@]}" "$url" 2>/dev/null)
    node -e 'const r = JSON.parse(process.argv[1]); console.log(r.requests.total, r.non2xx)' "$result"
  fi
}

for round in 1 2 3; do
  for side in raw tidings; do
    if [ "$side" = raw ]; then pid=$raw; url=$raw_url; else pid=$tidings; url=http://127.0.0.1:$port$(tidings_path); fi
    load 2 "$url" >/dev/null
    if [ "$side" = tidings ]; then url=http://127.0.0.1:$port$(tidings_path); fi
    before=$(cpu_ticks "$pid")
    read -r total non2xx < <(load 5 "$url")
    after=$(cpu_ticks "$pid")
    # clock ticks are 10 ms: µs per request = ticks × 10,000 ÷ requests
    echo "api-$case ($tool) round $round $side: $total requests ($non2xx not 2xx), $(((after - before) * 10000 / total)) µs CPU/request"
  done
done
