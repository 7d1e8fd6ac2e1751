#!/usr/bin/env bash
# Whole send, end to end: the real service (its own process, Release, PostgreSQL, SMTP transport, 4 workers, no
# throttle) sends one notice to every active employee of an N-person demo directory into Postfix's smtp-sink on
# loopback; in the same run, smtp-source pushes min(N, 50000) messages of the same size over 4 connections into the
# same sink as the baseline. Prints release time, send time, msg/s, the service's peak memory and the ratio.
#
#   bench/send-load.sh [N]                  default 250000
#   SKIP_BUILD=1 bench/send-load.sh ...     use the Release build as it is
#   BASELINE_MESSAGES=20000 ...             smtp-source's message count (default min(N, 50000))
#   WORKERS=8 ...                           Notices:Mail:Workers and smtp-source connections (default 4)
#
# Needs PostgreSQL (scripts/services.sh start), curl, jq, bc, python3; Postfix is fetched (bench/postfix.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-250000}
baseline_messages=${BASELINE_MESSAGES:-$(( n < 50000 ? n : 50000 ))}
connections=${WORKERS:-4}
database=${LOAD_DATABASE:-notices_load}
work=$(mktemp -d /tmp/notices-send-load.XXXXXX)
app=src/Notices/bin/Release/net10.0/Notices.dll
service_pid=''; sampler_pid=''; sink_pid=''

cleanup() {
  for pid in $sampler_pid $service_pid $sink_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $sampler_pid $service_pid $sink_pid; do wait "$pid" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }

# 1. Build, PostgreSQL, a fresh database.
if [ -z "${SKIP_BUILD:-}" ]; then log "dotnet build -c Release"; dotnet build -c Release -nologo -v q >/dev/null; fi
eval "$(scripts/services.sh start)"
admin=$NOTICES_TEST_POSTGRES
connection=$(echo "$admin" | sed "s/Database=[^;]*/Database=$database/")
psql_admin() { PGPASSWORD='' psql -h 127.0.0.1 -p "${NOTICES_TEST_PG_PORT:-55432}" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt -c "$1"; }
if command -v psql >/dev/null; then
  psql_admin "DROP DATABASE IF EXISTS $database WITH (FORCE)"
  psql_admin "CREATE DATABASE $database"
else
  pg=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  "$pg/psql" -h 127.0.0.1 -p "${NOTICES_TEST_PG_PORT:-55432}" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)"
  "$pg/psql" -h 127.0.0.1 -p "${NOTICES_TEST_PG_PORT:-55432}" -U postgres -d postgres -qc "CREATE DATABASE $database"
fi

export ASPNETCORE_ENVIRONMENT=Development
export Notices__Database__Provider=Postgres
export ConnectionStrings__Notices="$connection"
export Notices__DataDirectory="$work/data"
export Notices__Demo__Enabled=false

# 2. smtp-sink on a free loopback port; -c keeps running counters (on standard output).
. bench/postfix.sh
postfix_fetch
sink_port=$(free_port)
postfix_sink_start "$sink_port" -c >"$work/sink.out" 2>"$work/sink.err"
log "smtp-sink on 127.0.0.1:$sink_port"

# 3. The directory: N demo employees through the CLI (generator + importer).
log "directory demo --employees $n"
t0=$(now)
dotnet "$app" directory demo --employees "$n" --seed 1 >"$work/directory.out" 2>"$work/directory.err" \
  || { cat "$work/directory.err" >&2; exit 1; }
directory_seconds=$(echo "$(now) - $t0" | bc -l)
log "directory loaded in $(printf '%.1f' "$directory_seconds") s: $(tail -n 3 "$work/directory.out" | tr '\n' ' ')"

# Tokens for an author and a different releaser (development tokens, signed with the data directory's key).
token() { dotnet "$app" dev token --as "$1" --role "$2" --lifetime 240 2>>"$work/token.err"; }
author_token=$(token E0000001 Notices.Author)
releaser_token=$(token E0000002 Notices.Releaser)

# 4. The service.
api_port=$(free_port)
base="http://127.0.0.1:$api_port"
Notices__Mail__Transport=Smtp \
Notices__Mail__Smtp__Host=127.0.0.1 \
Notices__Mail__Smtp__Port="$sink_port" \
Notices__Mail__Smtp__Security=None \
Notices__Mail__From="Notices <notices@agency.example>" \
Notices__Mail__Workers="${WORKERS:-4}" \
Notices__PublicBaseUrl="$base" \
Logging__LogLevel__Default=Warning \
  dotnet "$app" --urls "$base" >"$work/service.out" 2>&1 &
service_pid=$!
for _ in $(seq 120); do curl -fs -o /dev/null "$base/health/live" 2>/dev/null && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.out" >&2; exit 1; }; sleep 0.5; done
log "service pid $service_pid on $base"

# Every second, in kB: VmRSS, then its private part (RssAnon + RssShmem: managed and native heaps, and the JIT's
# double-mapped code), then its file-backed part (RssFile: assemblies and native libraries mapped from disk, pages
# shared with every .NET process and reclaimable by the kernel).
(while kill -0 "$service_pid" 2>/dev/null; do
   awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2} /^RssShmem/ {s=$2} END {if (r) print r, a + s, f}' "/proc/$service_pid/status" 2>/dev/null
   sleep 1; done) >"$work/rss.kb" &
sampler_pid=$!

api() { # api METHOD PATH TOKEN [BODY] -> body on stdout; fails on a non-2xx
  curl -fsS -X "$1" "$base$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+--data "$4"}
}

start_date=$(date -u -d '+60 days' +%F); deadline=$(date -u -d '+30 days' +%FT%TZ)
notice=$(jq -n --arg start "$start_date" --arg deadline "$deadline" '{
  title: "Volunteers needed: 60-day details",
  summary: "Sixty-day details in Houston and El Paso; apply by the deadline.",
  bodyMarkdown: "## The work\n\nWe need **experienced** officers for [case management](https://www.uscis.gov/).\n",
  senderName: "Office of the Director", replyTo: "director@agency.example",
  opportunity: { lengthDays: 60, startDate: $start, mayBeExtended: true,
    locations: [ {city: "Houston", state: "TX", openings: 20}, {city: "El Paso", state: "TX"} ],
    duties: ["Detainee processing", "Case management"], particularlyNeededSeries: ["1801"] },
  responseDeadline: $deadline,
  approval: { required: true, reminderAfterDays: 3, escalateAfterDays: 7 },
  audience: { series: [], payPlan: null, gradeMin: null, gradeMax: null, includeOrgs: [], excludeOrgs: [],
    states: [], statuses: ["active"], includeEmployees: [], excludeEmployees: [] } }')
id=$(api POST /api/notices "$author_token" "$notice" | jq -r .id)
api POST "/api/notices/$id/submit" "$author_token" >/dev/null
log "notice $id submitted; releasing"

# 5. Release, then poll the delivery every second.
release_start=$(now)
api POST "/api/notices/$id/release" "$releaser_token" '{}' >"$work/release.json"
release_end=$(now)
release_seconds=$(echo "$release_end - $release_start" | bc -l)
log "released in $(printf '%.2f' "$release_seconds") s"
while :; do
  progress=$(api GET "/api/notices/$id/delivery" "$releaser_token")
  finished=$(echo "$progress" | jq -r '.finished or (.total > 0 and (.queued + .sending + .deferred) == 0)')
  [ "$finished" = true ] && break
  kill -0 "$service_pid" 2>/dev/null || { log "the service died"; tail -n 30 "$work/service.out" >&2; exit 1; }
  echo "$progress" | jq -r '"  \(.sent)/\(.total) sent, \(.queued) queued, \(.sending) sending, \(.deferred) deferred, \(.failed) failed, \(.ratePerSecond|floor) msg/s"' >&2
  sleep 1
done
send_end=$(now)
send_seconds=$(echo "$send_end - $release_start" | bc -l)
hwm_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$service_pid/status")
rss_max_kb=$(awk '$1 > m {m = $1} END {print m + 0}' "$work/rss.kb")
private_max_kb=$(awk '$2 > m {m = $2} END {print m + 0}' "$work/rss.kb")
file_max_kb=$(awk '$3 > m {m = $3} END {print m + 0}' "$work/rss.kb")
rss_idle_kb=$(awk 'NR == 1 {print $1}' "$work/rss.kb")
private_idle_kb=$(awk 'NR == 1 {print $2}' "$work/rss.kb")
cp "$work/rss.kb" "${RSS_LOG:-/dev/null}" 2>/dev/null || true
total=$(echo "$progress" | jq .total); sent=$(echo "$progress" | jq .sent); failed=$(echo "$progress" | jq .failed)
our_rate=$(echo "$sent / $send_seconds" | bc -l)
log "finished: $(echo "$progress" | jq -c .)"
kill "$sampler_pid" "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; service_pid=''; sampler_pid=''

# The message size: the bench's sample notice message (the same renderer; recipient-specific parts differ by bytes).
bytes=$(dotnet bench/Notices.Benchmarks/bin/Release/net10.0/Notices.Benchmarks.dll notice-email-sample | wc -c)

# 6. Baseline: smtp-source, same size, same connections, same sink (-d reuse connections, -N unique recipients).
log "smtp-source $baseline_messages messages of $bytes bytes over $connections connections"
t0=$(now)
"$source" -d -s "$connections" -m "$baseline_messages" -l "$bytes" -N -f notices@agency.example -t person@agency.example 127.0.0.1:"$sink_port"
source_seconds=$(echo "$(now) - $t0" | bc -l)
source_rate=$(echo "$baseline_messages / $source_seconds" | bc -l)
sleep 0.5
sink_count=$(tr '\r' '\n' <"$work/sink.out" | grep -E '[0-9]' | tail -n 1 || true)

mb() { echo "$1 / 1024" | bc -l; }
printf '\nWhole send, end to end: %d staff, %s, load average %s\n' "$n" "$(date -u +%FT%TZ)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'directory demo load (CLI): %.1f s\n' "$directory_seconds"
printf 'notice %s: total %d, sent %d, failed %d\n' "$id" "$total" "$sent" "$failed"
printf 'smtp-sink counters at the end (ours + baseline): %s\n' "${sink_count:-n/a}"
printf 'message size (sample notice .eml): %d bytes\n\n' "$bytes"
printf '| | messages | time | msg/s |\n|---|---|---|---|\n'
printf '| release (POST /release) | | %.2f s | |\n' "$release_seconds"
printf '| Notices: release to finished | %d | %.1f s | %.0f |\n' "$sent" "$send_seconds" "$our_rate"
printf '| smtp-source, %d connections | %d | %.1f s | %.0f |\n' "$connections" "$baseline_messages" "$source_seconds" "$source_rate"
printf '| ratio Notices / smtp-source | | | %.2f |\n\n' "$(echo "$our_rate / $source_rate" | bc -l)"
printf '| service memory | MB | aim |\n|---|---|---|\n'
printf '| peak RSS (VmHWM) | %.0f | 150 |\n' "$(mb "$hwm_kb")"
printf '| max sampled VmRSS (1 s) | %.0f | 150 |\n' "$(mb "$rss_max_kb")"
printf '| VmRSS at start (idle, after /health/live) | %.0f | |\n' "$(mb "$rss_idle_kb")"
printf '| max sampled private (RssAnon + RssShmem) | %.0f | |\n' "$(mb "$private_max_kb")"
printf '| private at start (idle) | %.0f | |\n' "$(mb "$private_idle_kb")"
printf '| max sampled file-backed (RssFile: mapped assemblies, shared) | %.0f | |\n' "$(mb "$file_max_kb")"
[ "$sent" = "$total" ] || { echo "sent ($sent) != total ($total)" >&2; exit 1; }
