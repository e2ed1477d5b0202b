#!/usr/bin/env bash
# Load benchmark of the citizen side on loopback, with wrk from Debian.
# Starts bin/modulario on a fresh data dir with the demo services, then
# measures (64 connections unless BENCH_CONNECTIONS says otherwise):
#   - GET of a service page and of the first step of a form (a live draft);
#   - POST of JSON submissions to /api/v1/forms/{slug}/submissions
#     (validation + durable group commit before the 201), for the same form
#     without rules and with its two email rules (citizen receipt, office
#     notice: two outbox rows in the same commit);
#   - emails/s delivered by the outbox to a local SMTP sink (bench/smtpsink);
#   - server RSS once the store holds BENCH_SUBMISSIONS submissions (100,000).
# Prints one table. Run it with `make bench`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

conns=${BENCH_CONNECTIONS:-64}
duration=${BENCH_DURATION:-10s}
target=${BENCH_SUBMISSIONS:-100000}
bin=./bin/modulario
slug_page=segnalazione-disservizio
slug_api=richiesta-assistenza

command -v wrk >/dev/null || { echo "wrk is missing: make bench installs it (apt-get install wrk)" >&2; exit 1; }
[ -x "$bin" ] || { echo "$bin is missing: run make build" >&2; exit 1; }

work=$(mktemp -d)
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(freeport) smtp_port=$(freeport) sink_port=$(freeport)
base="http://127.0.0.1:$port"
go build -o "$work/smtpsink" ./bench/smtpsink
"$work/smtpsink" -smtp "127.0.0.1:$smtp_port" -http "127.0.0.1:$sink_port" 2>"$work/sink.log" &
sink=$!
pid=
trap 'kill $pid $sink 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
export MODULARIO_ADDR="127.0.0.1:$port" MODULARIO_DATA_DIR="$work/data" MODULARIO_LOG_LEVEL=warn \
  MODULARIO_SMTP_URL="smtp://127.0.0.1:$smtp_port?tls=none" MODULARIO_MAIL_FROM="noreply@comune.example"
start_server() {
  "$bin" serve "$@" >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
  curl -fs "$base/healthz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
}
sent() { curl -fs "http://127.0.0.1:$sink_port/count"; }

# The demo services, plus the same assistance form without any rule.
start_server --demo
kill "$pid"; wait "$pid" 2>/dev/null || true
python3 - "$work/norules.json" <<'PY'
import json, sys
d = json.load(open("demo/richiesta-assistenza.json"))
d["slug"], d["rules"] = "assistenza-senza-regole", []
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False)
PY
"$bin" form import --publish "$work/norules.json" >/dev/null
start_server

rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status"; }

# run LABEL URL [wrk args...] → one table row; requests/s from wrk's summary.
rows=()
run() {
  local label=$1 url=$2; shift 2
  local out
  out=$(wrk -t2 -c"$conns" -d"$duration" --latency "$@" "$url")
  local rps p50 p99 extra
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  extra=$(grep -E '^(created|p50_ms)=' <<<"$out" || true)
  if grep -q 'Non-2xx' <<<"$out" && [ -z "$extra" ]; then
    echo "non-2xx answers during $label:" >&2; echo "$out" >&2; exit 1
  fi
  rows+=("$(printf '| %-44s | %9s | %8s | %8s | %s |' "$label" "$rps" "$p50" "$p99" "${extra:-}")")
}

# A live draft for the first-step page: consent to the privacy notice.
step1=$(curl -fs -o /dev/null -w '%{redirect_url}' -X POST -d consenso=1 "$base/servizi/$slug_page/privacy")
[ -n "$step1" ] || { echo "could not create a draft" >&2; exit 1; }

body="$work/body.json"
cat >"$body" <<'JSON'
{"nome":"Maria","cognome":"Rossi","email":"maria.rossi@example.it","categoria":"anagrafe",
 "servizio":"Carta d'identità","dettagli":"Quali documenti servono per il rinnovo della carta di identità?"}
JSON

run "GET /servizi/$slug_page (service page)" "$base/servizi/$slug_page"
run "GET first step of $slug_page" "$step1"
rss_idle=$(rss_mib)
BENCH_BODY="$body" run "POST submissions, form without rules" \
  "$base/api/v1/forms/assistenza-senza-regole/submissions" -s bench/post.lua
created=$(grep -o 'created=[0-9]*' <<<"${rows[-1]}" | cut -d= -f2)
BENCH_BODY="$body" run "POST submissions, same form with 2 email rules" \
  "$base/api/v1/forms/$slug_api/submissions" -s bench/post.lua
with_rules=$(grep -o 'created=[0-9]*' <<<"${rows[-1]}" | cut -d= -f2)
rss_load=$(rss_mib)

# The outbox drains the 2 emails of each of those submissions to the sink.
emails=$((2 * with_rules)) during=$(sent) t0=$(date +%s%N)
until [ "$(sent)" -ge "$emails" ]; do sleep 0.2; done
drain_s=$(awk -v ns=$(( $(date +%s%N) - t0 )) 'BEGIN {printf "%.1f", ns/1e9}')
drain_rate=$(awk -v n=$((emails - during)) -v s="$drain_s" 'BEGIN {printf "%.0f", (s > 0 ? n/s : n)}')

# Fill the store up to the target number of submissions.
total=$((created + with_rules))
while [ "$total" -lt "$target" ]; do
  out=$(BENCH_BODY="$body" wrk -t2 -c"$conns" -d5s -s bench/post.lua "$base/api/v1/forms/assistenza-senza-regole/submissions")
  n=$(grep -o 'created=[0-9]*' <<<"$out" | cut -d= -f2)
  [ "${n:-0}" -gt 0 ] || { echo "no submission accepted: $out" >&2; exit 1; }
  total=$((total + n))
done
rss_full=$(rss_mib)
db_mib=$(du -m "$work/data/modulario.db" | cut -f1)

# Cold start on the full store.
kill "$pid"; wait "$pid" 2>/dev/null || true
start=$(date +%s%N)
"$bin" serve >>"$work/server.log" 2>&1 &
pid=$!
until curl -fs "$base/healthz" >/dev/null; do sleep 0.01; done
cold_ms=$(( ($(date +%s%N) - start) / 1000000 ))
curl -fs "$base/servizi/$slug_page" >/dev/null
rss_cold=$(rss_mib)

echo
echo "Modulario load benchmark — $(date -u +%Y-%m-%d), $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "wrk -t2 -c$conns -d$duration on loopback; the load generator shares the cores with the server."
echo
echo "| what                                         |  requests/s |      p50 |      p99 | notes |"
echo "|----------------------------------------------|----------:|---------:|---------:|-------|"
printf '%s\n' "${rows[@]}"
echo
echo "| notifications (outbox → local SMTP sink)     | value |"
echo "|----------------------------------------------|------:|"
echo "| emails queued by the run with rules          | $emails |"
echo "| delivered while that run was going on        | $during |"
echo "| the rest delivered in                        | ${drain_s} s (${drain_rate} emails/s) |"
echo
echo "| memory and store                             | value |"
echo "|----------------------------------------------|------:|"
echo "| RSS after the GET runs                       | ${rss_idle} MiB |"
echo "| RSS right after the submission run           | ${rss_load} MiB |"
echo "| RSS with $total submissions stored        | ${rss_full} MiB |"
echo "| database file with $total submissions     | ${db_mib} MiB |"
echo "| cold start to /healthz on that store         | ${cold_ms} ms |"
echo "| RSS after cold start and one page            | ${rss_cold} MiB |"
