#!/usr/bin/env bash
# The test command: starts the services the tests need on loopback (PostgreSQL...), runs every test project
# and ends with one line summing them: `N passed, N failed, N skipped`.
# On a machine without the services installed, run .ci/run once (as root) or install them as it does.
set -euo pipefail
cd "$(dirname "$0")"

eval "$(scripts/services.sh start)"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
projects=$(find tests -name '*.Tests.csproj' | sort)
expected=$(echo "$projects" | wc -l)

status=0
dotnet build Notices.sln -c Release -nologo -v q -warnaserror 2>&1 | tail -n 3
dotnet test Notices.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?

results=$(grep -E '^(Passed|Failed)!' "$log" || true)
reported=$(printf '%s\n' "$results" | grep -c . || true)
sum() { printf '%s\n' "$results" | grep -oE "$1: +[0-9]+" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)

# With a filter (./test.sh --filter ...) projects without a match report nothing, so only the total must be non-zero.
if [ "$#" -eq 0 ] && [ "$reported" -lt "$expected" ]; then
  echo "only $reported of $expected test projects reported results" >&2
  status=1
fi
if [ $((passed + failed)) -eq 0 ]; then
  echo "no test ran" >&2
  status=1
fi
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
