#!/usr/bin/env bash
# Installs what the tests need when it is missing (Debian's redis-server, chromium-headless-shell, kamailio and sipp, the npm
# packages with libchdb.so), builds, and runs the whole suite against real servers.
# Extra arguments go to xunit's runner in the test assembly, for example -namespace "CustomerLab.Tests.Numbers",
# -class "*PoolInvariantTests", -method "*Lapses*" or -trx FILE ("-?" lists them).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

CONFIGURATION=${CONFIGURATION:-Release}

ensure_apt_packages redis-server chromium-headless-shell curl
ensure_phone_packages
# The npm packages and the two JS builds feed the running services, not the .NET build: both run at once.
js_log=$(mktemp)
(ensure_npm_deps && ensure_tag_built && ensure_report_built) >"$js_log" 2>&1 &
js_pid=$!
build_solution "$CONFIGURATION"
if ! wait "$js_pid"; then cat "$js_log"; echo "npm install or JS build failed" >&2; exit 1; fi
cat "$js_log"

log=$(mktemp)
set +e
# The tag's matcher/formatter unit tests (Node's test runner): details only when they fail, so the last lines
# below stay the suite's summary.
echo "==> npm test (tag-js/)"
tag_log=$(mktemp)
npm test --prefix tag-js --silent >"$tag_log" 2>&1
tag_status=$?
if [ "$tag_status" -ne 0 ]; then cat "$tag_log"; fi
echo "tag-js: $(grep -E "^# (tests|pass|fail) " "$tag_log" | sed 's/^# //' | paste -sd, - | sed 's/,/, /g')"
# The suite runs many .NET processes at once (the test host, the ClickHouse host, edges) on two cores. Thread-pool
# workers that spin before they sleep, and the tiering that pays off in a server running for days
# (SHORT_LIVED_DOTNET), burn CPU the tests need; none of it changes what a test checks.
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 "${SHORT_LIVED_DOTNET[@]}"
# xunit v3's own runner, built into the test assembly: no VSTest host (vstest.console, then testhost) to start and
# feed in between (docs/testing.md has the figures). Output: each failure in full, then
# "   CustomerLab.Tests  Total: N, Errors: N, Failed: N, Skipped: N, Not Run: N, Time: Ns".
dotnet "tests/CustomerLab.Tests/bin/$CONFIGURATION/net10.0/CustomerLab.Tests.dll" -noColor -noLogo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line for CI: "N passed, N failed, N skipped". Errors (a fixture that failed outside any test)
# count as failures.
summary=$(grep -E "^ +CustomerLab.Tests +Total: +[0-9]+" "$log" | tail -n 1 || true)
if [ -z "$summary" ]; then
  echo "tests: no summary line from the test runner (exit $status)"
  exit $(( status == 0 ? 1 : status ))
fi
# A run that matched no test prints "Total: 0" alone: a missing count is 0.
field() { grep -oE "$1: +[0-9]+" <<<"$summary" | grep -oE "[0-9]+$" || echo 0; }
failed=$(( $(field Failed) + $(field Errors) ))
skipped=$(( $(field Skipped) + $(field "Not Run") ))
passed=$(( $(field Total) - $(field Failed) - skipped ))
if [ "$tag_status" -ne 0 ]; then
  echo "tag-js: npm test failed (exit $tag_status), see its output above"
  [ "$status" -eq 0 ] && status=$tag_status
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
