#!/usr/bin/env bash
# Load benchmark of the citizen side on loopback, with wrk from Debian.
# Starts bin/modulario on a fresh data dir with the demo services and the
# 20-field form bench/form20.json (two email rules), and measures, in one run:
#   - GET of that form's service page and first step at 64 connections, and
#     the same bytes served from memory through the same router and
#     middleware (bench/pagelimit, built with -tags bench): render/limit;
#   - the final "Invia" of the 20-field form over HTTP (validation, durable
#     group commit, rules with two outbox messages) at 1, 16, 64 and 256
#     connections, each request a different ready draft; beside it the raw
#     storage limit (bench/storebench: the same submission and outbox rows
#     through storage, same group commit, no HTTP): HTTP/raw;
#   - the same submission as JSON through /api/v1/forms/{slug}/submissions;
#   - emails/s delivered by the outbox to a local SMTP sink (bench/smtpsink);
#   - server RSS idle, under load and with 1,000,000 submissions (filled by
#     `modulario dev seed`), and the cold start time on that store.
# Prints one table. Run it with `make bench` (about 5 minutes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

conns=${BENCH_CONNECTIONS:-64}
duration=${BENCH_DURATION:-10s}
levels=${BENCH_LEVELS:-1 16 64 256}
sub_duration=${BENCH_SUBMIT_DURATION:-5}
million=${BENCH_SUBMISSIONS:-1000000}
email_window=${BENCH_EMAIL_WINDOW:-15}
bin=./bin/modulario
slug=bench-venti-campi
answers=bench/answers20.json

command -v wrk >/dev/null || { echo "wrk is missing: make bench installs it (apt-get install wrk)" >&2; exit 1; }
[ -x "$bin" ] || { echo "$bin is missing: run make build" >&2; exit 1; }

work=$(mktemp -d)
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(freeport) smtp_port=$(freeport) sink_port=$(freeport) limit_port=$(freeport)
base="http://127.0.0.1:$port"
go build -o "$work/smtpsink" ./bench/smtpsink
go build -o "$work/storebench" ./bench/storebench
go build -tags bench -o "$work/pagelimit" ./bench/pagelimit
go build -o "$work/inboxbench" ./bench/inboxbench
go build -o "$work/bookbench" ./bench/bookbench
"$work/smtpsink" -smtp "127.0.0.1:$smtp_port" -http "127.0.0.1:$sink_port" 2>"$work/sink.log" &
sink=$!
pid= limit=
trap 'kill $pid $sink $limit 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
export MODULARIO_DEMO_PASSWORD=bench-password-2026 MODULARIO_ADDR="127.0.0.1:$port" MODULARIO_DATA_DIR="$work/data" MODULARIO_LOG_LEVEL=warn MODULARIO_METRICS_TOKEN=bench-metrics-token-2026 \
  MODULARIO_SMTP_URL="smtp://127.0.0.1:$smtp_port?tls=none" MODULARIO_MAIL_FROM="noreply@comune.example"
start_server() {
  "$bin" serve "$@" >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.05; done
  curl -fs "$base/healthz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
sent() { curl -fs "http://127.0.0.1:$sink_port/count"; }
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
# Anonymous memory only (heap, stacks): VmRSS also counts the pages of the
# database file that bbolt's read-only mmap has touched, which the kernel
# drops under pressure.
anon_mib() { awk '/^RssAnon/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
cores=$(nproc) clk=$(getconf CLK_TCK)
# Other work on the machine skews every figure: the table shows the load.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# The demo services and offices, then the 20-field form.
start_server --demo
stop_server
"$bin" form import --publish bench/form20.json >/dev/null
# The same form without its two rules, for the JSON submission without rules.
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["slug"] += "-senza-regole"; d.pop("rules", None); json.dump(d, open(sys.argv[2], "w"))' \
  bench/form20.json "$work/form20-norules.json"
"$bin" form import --publish "$work/form20-norules.json" >/dev/null
# The booking form and its calendar (ample capacity: 100 places a slot).
"$bin" calendar import bench/booking-calendar.json >/dev/null
"$bin" form import --publish bench/booking-form.json >/dev/null

# Raw storage limit: the same rows straight through storage (own file).
raw_out=$("$work/storebench" commit -db "$work/raw.db" -form bench/form20.json -data "$answers" \
  -c "${levels// /,}" -d "${sub_duration}s")
raw() { awk -v c="c=$1" -v k="$2=" '$2 == c { for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' <<<"$raw_out"; }

# Ready drafts for the final-submission runs: the raw rate bounds the HTTP
# rate, so rate x duration x 1.2 drafts per level are enough.
declare -A first last
offset=0
for c in $levels; do
  need=$(awk -v r="$(raw "$c" rate)" -v d="$sub_duration" 'BEGIN {printf "%d", r * d * 1.2 + 200}')
  first[$c]=$((offset + 1)) last[$c]=$((offset + need)) offset=$((offset + need))
done
"$work/storebench" drafts -db "$work/data/modulario.db" -slug "$slug" -data "$answers" -n "$offset" -out "$work/tokens"
for c in $levels; do sed -n "${first[$c]},${last[$c]}p" "$work/tokens" >"$work/tokens.$c"; done

start_server
curl -fs "$base/servizi/$slug" >"$work/service.html"
rss_idle=$(rss_mib)

# wrkrun CONNS DURATION URL [wrk args...]: sets rps p50 p99 out wrk_cpu srv_cpu.
wrkrun() {
  local c=$1 d=$2 url=$3; shift 3
  local threads=$((c < 2 ? 1 : 2)) s0 s1 times
  s0=$(cpu_ticks "$pid")
  TIMEFORMAT='%U %S %R'
  { time BENCH_THREADS=$threads wrk -t"$threads" -c"$c" -d"$d" --latency "$@" "$url" >"$work/wrk.out"; } 2>"$work/wrk.time"
  s1=$(cpu_ticks "$pid")
  out=$(cat "$work/wrk.out") times=$(cat "$work/wrk.time")
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  wrk_cpu=$(awk -v n="$cores" '{printf "%.0f%%", ($1 + $2) / ($3 * n) * 100}' <<<"$times")
  srv_cpu=$(awk -v n="$cores" -v t="$((s1 - s0))" -v hz="$clk" '{printf "%.0f%%", t / hz / ($3 * n) * 100}' <<<"$times")
}
counted() { grep -o "$1=[0-9]*" <<<"$out" | cut -d= -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
rows=()
row() { rows+=("$(printf '| %-46s | %5s | %8s | %9s | %9s | %s |' "$@")"); }

# Citizen pages, then the same bytes from memory through the same router.
step1=$(curl -fs -o /dev/null -w '%{redirect_url}' -X POST -d consenso=1 "$base/servizi/$slug/privacy")
[ -n "$step1" ] || { echo "could not create a draft" >&2; exit 1; }
curl -fs "$step1" >"$work/step1.html"
"$work/pagelimit" -addr "127.0.0.1:$limit_port" "/limit/service=$work/service.html" "/limit/step=$work/step1.html" 2>"$work/limit.log" &
limit=$!
for page in service step; do
  url=$base/servizi/$slug label="GET service page of the 20-field form"
  [ "$page" = step ] && url=$step1 label="GET first step (10 of 20 fields)"
  wrkrun "$conns" "$duration" "$url"
  render=$rps
  row "$label" "$conns" "$rps" "$p50" "$p99" "wrk CPU $wrk_cpu, server CPU $srv_cpu, $(wc -c <"$work/$page"*.html) bytes"
  until curl -fs -o /dev/null "http://127.0.0.1:$limit_port/limit/$page"; do sleep 0.05; done
  pid_saved=$pid pid=$limit
  wrkrun "$conns" "$duration" "http://127.0.0.1:$limit_port/limit/$page"
  pid=$pid_saved
  row "  same bytes from memory, same router (limit)" "$conns" "$rps" "$p50" "$p99" "render/limit $(ratio "$render" "$rps"); wrk CPU $wrk_cpu, server CPU $srv_cpu"
done
kill "$limit"; wait "$limit" 2>/dev/null || true; limit=

# Final submission of the 20-field form over HTTP, and the raw limit.
created_total=0
for c in $levels; do
  sampler=
  if [ "$c" = 256 ]; then (sleep "$((sub_duration / 2))"; rss_mib >"$work/rss_load") & sampler=$!; fi
  BENCH_TOKENS="$work/tokens.$c" BENCH_SLUG=$slug wrkrun "$c" "${sub_duration}s" "$base" -s bench/final.lua
  n=$(counted created) other=$(counted other) exhausted=$(counted exhausted)
  [ "$exhausted" -eq 0 ] || echo "warning: $exhausted requests at $c connections found no draft left" >&2
  [ -z "$sampler" ] || wait "$sampler"
  created_total=$((created_total + n))
  rate=$(awk -v n="$n" -v d="$sub_duration" 'BEGIN {printf "%.0f", n / d}')
  row "final submission (Invia), HTTP" "$c" "$rate" "$p50" "$p99" "$n receipts, $other other; wrk CPU $wrk_cpu, server CPU $srv_cpu"
  row "  raw storage limit, same rows, no HTTP" "$c" "$(raw "$c" rate)" "$(raw "$c" p50_ms)ms" "$(raw "$c" p99_ms)ms" \
    "HTTP/raw $(ratio "$rate" "$(raw "$c" rate)")"
done
rss_load=$(cat "$work/rss_load" 2>/dev/null || rss_mib)

# The same answers as JSON through the API: the form with its two email
# rules (two outbox messages in the submission's transaction), then the
# same form without rules, in the same run.
for variant in rules norules; do
  s=$slug label="JSON submission, POST /api/v1/.../submissions"
  [ "$variant" = norules ] && s=$slug-senza-regole label="  same form without rules"
  BENCH_BODY=$answers wrkrun "$conns" "${sub_duration}s" "$base/api/v1/forms/$s/submissions" -s bench/post.lua
  n=$(counted created)
  created_total=$((created_total + n))
  json_rate=$(awk -v n="$n" -v d="$sub_duration" 'BEGIN {printf "%.0f", n / d}')
  note="$n created (201), $(counted other) other; server CPU $srv_cpu"
  if [ "$variant" = rules ]; then
    rules_rate=$json_rate
  else
    norules_n=$n
    note="$note; with rules/without $(ratio "$rules_rate" "$json_rate")"
  fi
  row "$label" "$conns" "$json_rate" "$p50" "$p99" "$note"
done

# Bookings: each request takes the next slot of a calendar with ample
# capacity, so every attempt should be confirmed (capacity checked and the
# place taken in the submission's transaction).
book_out=$("$work/bookbench" -base "$base" -slug bench-prenotazione -calendar bench/booking-calendar.json \
  -answers bench/booking-answers.json -clients "$conns" -duration "${sub_duration}s")
bfield() { grep -o "$1=[^ ]*" <<<"$book_out" | cut -d= -f2 || true; }
booked=$(bfield confirmed)
row "appointment booking, JSON API, ample capacity" "$conns" "$(bfield per_s)" "$(bfield p50_ms)ms" "$(bfield p99_ms)ms" \
  "$booked confirmed, $(bfield refused) refused (full), $(bfield other) other"

# Emails: the outbox keeps draining the 2 emails of each submission.
e0=$(sent)
sleep "$email_window"
e1=$(sent)
row "emails delivered to a local SMTP sink" "-" "$(( (e1 - e0) / email_window ))" "-" "-" \
  "over ${email_window} s after the load; $e1 of $((2 * (created_total - norules_n) + ${booked:-0})) queued delivered so far (reminders are scheduled for later)"

# RSS with 100,000 stored submissions (one page served after a restart),
# then fill the store to 1,000,000 submissions and start cold on it.
stop_server
hundred_k=100000
"$bin" dev seed --submissions "$(( hundred_k - created_total - ${booked:-0} ))" >/dev/null 2>&1
start_server
curl -fs "$base/servizi/$slug" >/dev/null
rss_100k="$(rss_mib) MiB (anonymous $(anon_mib) MiB)"
stop_server
seeded=$(( million - hundred_k ))
seed_out=$("$bin" dev seed --submissions "$seeded" 2>/dev/null)
seed_rate=$(grep -o '([0-9]* submissions/s)' <<<"$seed_out" | tr -dc 0-9)
db_mib=$(du -m "$work/data/modulario.db" | cut -f1)
inbox_out=$("$work/inboxbench" -db "$work/data/modulario.db")
t0=$(date +%s%N)
"$bin" serve >>"$work/server.log" 2>&1 &
pid=$!
until curl -fs "$base/healthz" >/dev/null; do sleep 0.005; done
cold_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
curl -fs "$base/servizi/$slug" >/dev/null
rss_full="$(rss_mib) MiB (anonymous $(anon_mib) MiB)"

# The inbox at 1,000,000 requests: storage first pages, then over HTTP.
while read -r line; do
  field() { grep -o "$1=[^ ]*" <<<"$line" | cut -d= -f2 || true; }
  name=$(field name)
  case $name in ""|each_office) continue ;; esac
  row "  inbox first page (storage): $name" "1" "-" "$(field p50_ms)ms" "$(field p99_ms)ms" "$(field n) results"
done <<<"$inbox_out"
line=$(grep 'each_office' <<<"$inbox_out" || true)
[ -z "$line" ] || row "  EachSubmission, one office, full walk" "1" "$(field rows_per_s)" "-" "-" "$(field rows) rows in $(field seconds) s"
jar=$work/cookies
curl -fs -c "$jar" -b "$jar" "$base/admin/login" >"$work/login.html"
login_token=$(grep -o 'name="_login" value="[^"]*"' "$work/login.html" | sed 's/.*value="//; s/"$//')
curl -fs -o /dev/null -c "$jar" -b "$jar" -H "Origin: $base" --data-urlencode "_login=$login_token" \
  --data-urlencode "email=admin@comune.example" --data-urlencode "password=$MODULARIO_DEMO_PASSWORD" "$base/admin/login"
cookie=$(awk '$6 != "modulario_login" && NF >= 7 {printf "%s=%s; ", $6, $7}' "$jar")
for q in "" "stato=received" "q=lampione" "ordine=scadenza"; do
  curl -fs -o /dev/null -H "Cookie: $cookie" "$base/admin/richieste?$q" || { echo "inbox page failed (login?)" >&2; break; }
  wrkrun 4 5s "$base/admin/richieste?$q" -H "Cookie: $cookie"
  row "GET /admin/richieste?$q (first page, HTTP)" 4 "$rps" "$p50" "$p99" "signed-in admin, every office; server CPU $srv_cpu"
done

# Exports of every request, streamed; the peak RSS while they run.
for fmt in csv xlsx; do
  (peak=0 apeak=0; while kill -0 "$pid" 2>/dev/null; do
    r=$(rss_mib) a=$(anon_mib)
    [ "$r" -gt "$peak" ] && peak=$r; [ "$a" -gt "$apeak" ] && apeak=$a
    echo "$peak MiB (anonymous $apeak MiB)" >"$work/peak.$fmt"; sleep 0.2
  done) &
  sampler=$!
  t0=$(date +%s%N)
  curl -fs -H "Cookie: $cookie" -o "$work/export.$fmt" "$base/admin/richieste/esporta.$fmt" || echo "export $fmt failed" >&2
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  # Rows of the CSV: records start with a request number (answers may hold newlines).
  if [ "$fmt" = csv ]; then n=$(grep -cE '^[0-9]{4}-[0-9]{7},' "$work/export.csv" || true); else n=$million; fi
  row "export of every request, $fmt" 1 "$(awk -v n="$n" -v ms="$ms" 'BEGIN {printf "%.0f", n * 1000 / (ms > 0 ? ms : 1)}')" "-" "-" \
    "$n rows in $((ms / 1000)) s, $(du -m "$work/export.$fmt" | cut -f1) MiB; server peak RSS $(cat "$work/peak.$fmt" 2>/dev/null || echo ?)"
  rm -f "$work/export.$fmt"
done

# A Prometheus scrape of the full store, then a hot backup while the server
# serves it, and the restore of that backup into a new data directory.
wrkrun 1 5s "$base/metrics" -H "Authorization: Bearer $MODULARIO_METRICS_TOKEN"
row "GET /metrics (Prometheus scrape)" 1 "$rps" "$p50" "$p99" "$(curl -fs -H "Authorization: Bearer $MODULARIO_METRICS_TOKEN" "$base/metrics" | grep -vc '^#') series; server CPU $srv_cpu"
t0=$(date +%s%N)
"$bin" backup "$work/backup.db" >"$work/backup.out" 2>&1 || { cat "$work/backup.out" >&2; echo "backup failed" >&2; }
backup_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
row "hot backup while serving (modulario backup)" 1 "-" "${backup_ms}ms" "-" "$(du -m "$work/backup.db" | cut -f1) MiB, through the admin socket"
t0=$(date +%s%N)
"$bin" restore "$work/backup.db" --data-dir "$work/restored" >"$work/restore.out" 2>&1 || { cat "$work/restore.out" >&2; echo "restore failed" >&2; }
restore_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
row "restore into a new data dir (verify + copy)" 1 "-" "${restore_ms}ms" "-" "$(du -m "$work/restored/modulario.db" 2>/dev/null | cut -f1) MiB"
rm -rf "$work/backup.db" "$work/restored"

echo
echo "Modulario load benchmark, $(date -u +%Y-%m-%d): $cores cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "Load generator: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2) on the same cores (its CPU share is in the notes, as % of the whole machine)."
echo "Load average before the run: $load_before; during the run, other processes may compete for the same cores."
echo
echo "| what                                           | conns |      /s  |       p50 |       p99 | notes |"
echo "|------------------------------------------------|------:|---------:|----------:|----------:|-------|"
printf '%s\n' "${rows[@]}"
printf '| %-46s | %5s | %8s | %9s | %9s | %s |\n' \
  "RSS idle (started, one page)" "-" "-" "-" "-" "${rss_idle} MiB" \
  "RSS under load (mid 256-connection run)" "-" "-" "-" "-" "${rss_load} MiB" \
  "RSS with $hundred_k submissions (restarted, one page)" "-" "-" "-" "-" "${rss_100k}" \
  "store filled to $million submissions" "-" "$seed_rate" "-" "-" "modulario dev seed, $seeded more submissions; file $db_mib MiB" \
  "cold start on that store to /healthz" "-" "-" "${cold_ms}ms" "-" "" \
  "RSS with $million submissions (one page)" "-" "-" "-" "-" "${rss_full}"
