#!/usr/bin/env bash
# Load test of CustomerLab on loopback. Builds, starts every server it needs (ClickHouse host, redis-server, edge(s),
# the bare Kestrel baseline, nginx), runs, stops everything, and writes loadtest/results/<name>.{json,md,png}.
#   loadtest/run.sh [--quick]                      baseline + new visitors + /v1/number + /v1/collect + visitor model (quick: ≤ 4 min)
#   loadtest/run.sh baseline|number|new|collect|voice|signin [--quick]   (new: new visitors, a burst, an exhausted pool)
#   loadtest/run.sh fault clickhouse|redis|redis-flush|redis-fresh|redis-hang|edge [--quick]
#   loadtest/run.sh nginx [--quick]                 two edges behind nginx
#   loadtest/run.sh calls [--quick]                 SIP calls through Kamailio and the edge (SIPp), at rising rates
#   loadtest/run.sh model [--quick]                 the visitor model alone (attribution accuracy, pool invariants; grace 1 min)
#   loadtest/run.sh scale [--quick] [--fresh] [--curve NAME]   scale curves, resumable (results/scale.json, scale-*.png)
#   loadtest/run.sh disk [--quick]                  the spool's fdatasync per commit on this disk (results/disk.md)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

args=("$@")
case "${1:-}" in
  baseline|number|new|collect|voice|signin|full|fault|nginx|calls|model|scale|disk) ;;
  *) args=(full "$@") ;;
esac

packages=(curl redis-server)
[ "${args[0]}" = nginx ] && packages+=(nginx)
ensure_apt_packages "${packages[@]}"
[ "${args[0]}" = calls ] && ensure_phone_packages
ensure_npm_deps
# The edge is ready only when it can serve the tag and the report page's script.
ensure_tag_built
ensure_report_built
build_solution Release

work=$(mktemp -d /tmp/customerlab-loadtest.XXXXXX)
pidfile="$work/pids"
touch "$pidfile"
cleanup() {
  # The tool stops its servers itself; this catches them if the tool was killed.
  while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done < "$pidfile"
  # LOADTEST_KEEP=1 keeps the servers' logs and data for a look afterwards.
  if [ -n "${LOADTEST_KEEP:-}" ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

# Bounded: a quick run takes about 4 minutes, the others up to 15.
limit=900
[[ " ${args[*]} " == *" --quick "* ]] && limit=420
# The scale curves save each point as measured, so a run stopped by the limit resumes where it was.
if [ "${args[0]}" = scale ]; then limit=2700; [[ " ${args[*]} " == *" --quick "* ]] && limit=1500; fi
timeout --signal=TERM --kill-after=20 "$limit" \
  dotnet loadtest/CustomerLab.LoadTest/bin/Release/net10.0/CustomerLab.LoadTest.dll "${args[@]}" --work "$work" --pidfile "$pidfile"
