#!/usr/bin/env bash
# SMTP delivery benchmark: the real transport (SmtpMailTransport, MailKit) pushing prebuilt notice messages into
# Postfix's smtp-sink on loopback, against Postfix's smtp-source pushing messages of the same size over the same
# number of connections into the same sink. Prints both rates and the ratio.
#
#   bench/smtp-sink.sh [MESSAGES] [CONNECTIONS]        defaults: 20000 4
#   SKIP_BUILD=1 bench/smtp-sink.sh ...                 use the benchmark app as last built (Release)
#
# Postfix is fetched, not installed: `apt-get download postfix` and `dpkg -x` into $POSTFIX_DIR (default
# /tmp/notices-postfix); its tools run with LD_LIBRARY_PATH pointing at its private libraries.
set -euo pipefail
cd "$(dirname "$0")/.."

messages=${1:-20000}
connections=${2:-4}
port=${SINK_PORT:-25825}

. bench/postfix.sh
postfix_fetch
postfix_sink_start "$port"
trap 'kill "$sink_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

[ -n "${SKIP_BUILD:-}" ] || dotnet build bench/Notices.Benchmarks -c Release -nologo -v q >/dev/null
ours=$(dotnet bench/Notices.Benchmarks/bin/Release/net10.0/Notices.Benchmarks.dll smtp-load --port "$port" --messages "$messages" --connections "$connections")
echo "$ours"
bytes=$(echo "$ours" | awk '/^message-bytes/ {print $2}')
our_rate=$(echo "$ours" | sed -n 's/.* \([0-9]*\) msg\/s.*/\1/p')

# smtp-source: -s parallel sessions, -m messages in all, -l payload bytes, -d reuse each connection (no QUIT after
# every message), -N unique recipients, a From/To like ours.
start=$(date +%s.%N)
"$source" -d -s "$connections" -m "$messages" -l "$bytes" -N -f notices@agency.example -t person@agency.example 127.0.0.1:"$port"
end=$(date +%s.%N)
source_rate=$(echo "$messages / ($end - $start)" | bc -l)

printf 'smtp-source %d messages of %d bytes over %d connection(s): %.2f s, %.0f msg/s\n' "$messages" "$bytes" "$connections" "$(echo "$end - $start" | bc -l)" "$source_rate"
printf 'ratio notices / smtp-source: %.2f\n' "$(echo "$our_rate / $source_rate" | bc -l)"
