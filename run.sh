#!/usr/bin/env bash
# Runs CustomerLab locally with its defaults, on a fresh machine too:
#   - fetches the npm packages the services load (libchdb.so = the ClickHouse engine) and builds the solution;
#   - starts the local ClickHouse host on http://127.0.0.1:8123 (data in ./data/clickhouse);
#   - starts the edge on http://127.0.0.1:8080 with an embedded Garnet server on 127.0.0.1:6380 (data in ./data/garnet).
#   - with --phone: starts the phone server (Debian's Kamailio, telephony/kamailio/kamailio.cfg) on SIP 127.0.0.1:5060,
#     UDP and TCP, asking this edge where each call goes.
# Data survives a restart. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

CONFIGURATION=${CONFIGURATION:-Release}
EDGE_URL=${EDGE_URL:-http://127.0.0.1:8080}
CLICKHOUSE_URL=${CLICKHOUSE_URL:-http://127.0.0.1:8123}
SIP_LISTEN=${SIP_LISTEN:-127.0.0.1:5060}
# The secret the phone server sends the edge (X-Phone-Secret); a development value unless you set one.
PHONE_SECRET=${PHONE_SECRET:-dev-phone-secret}
# The Twilio auth token webhooks are signed with; the demo page's "place a test call" signs its webhooks with it too.
TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN:-dev-twilio-auth-token}
PHONE=false
for arg in "$@"; do
  case "$arg" in
    --phone) PHONE=true ;;
    *) echo "usage: ./run.sh [--phone]" >&2; exit 64 ;;
  esac
done

ensure_apt_packages curl
if $PHONE; then ensure_phone_packages; fi
ensure_npm_deps
ensure_tag_built
ensure_report_built
build_solution "$CONFIGURATION"
mkdir -p data

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "==> stopping"
  # The edge first, so it can flush to ClickHouse before the host goes away.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap stop_all INT TERM EXIT

bin() { echo "$PWD/src/$1/bin/$CONFIGURATION/net10.0"; }

echo "==> starting the local ClickHouse host on $CLICKHOUSE_URL"
dotnet "$(bin CustomerLab.ClickHouseHost)/CustomerLab.ClickHouseHost.dll" --contentRoot "$(bin CustomerLab.ClickHouseHost)" \
  --urls "$CLICKHOUSE_URL" --ClickHouseHost:DataPath="$PWD/data/clickhouse" &
pids+=($!)
wait_for_url "$CLICKHOUSE_URL/ping" 60

echo "==> starting the edge on $EDGE_URL"
ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
dotnet "$(bin CustomerLab.Edge)/CustomerLab.Edge.dll" --contentRoot "$(bin CustomerLab.Edge)" \
  --urls "$EDGE_URL" --ClickHouse:Url="$CLICKHOUSE_URL" --Redis:EmbeddedDataPath="$PWD/data/garnet" \
  --Calls:PhoneServerSecret="$PHONE_SECRET" --Calls:TwilioAuthToken="$TWILIO_AUTH_TOKEN" &
pids+=($!)
wait_for_url "$EDGE_URL/healthz" 60

if $PHONE; then
  echo "==> starting the phone server (Kamailio) on sip:$SIP_LISTEN (udp, tcp)"
  kamailio -f "$PWD/telephony/kamailio/kamailio.cfg" -DD -E -l "udp:$SIP_LISTEN" -l "tcp:$SIP_LISTEN" \
    -A "EDGE_URL=\"$EDGE_URL\"" -A "EDGE_SECRET=\"$PHONE_SECRET\"" &
  pids+=($!)
fi

# A demo site so the main job works out of the box: site key "demo" on localhost, a pool of 20 numbers.
# Both calls are idempotent (PUT), so a restart keeps the leases and numbers already in ./data.
echo "==> seeding the demo site (admin key: dev-admin-key)"
admin() { curl -fsS -o /dev/null -X PUT -H "X-Api-Key: ${ADMIN_KEY:-dev-admin-key}" -H "Content-Type: application/json" "$EDGE_URL$1" -d "$2"; }
admin /admin/sites/demo '{"domains":["localhost","127.0.0.1"],"targets":["+12025550198","+442079460000"],"defaultNumber":"+12025550199","holdMinutes":30,"forwardTo":"+12025550150"}'
admin /admin/sites/demo/pools/main "{\"numbers\":[$(for i in $(seq 100 119); do printf '"+1202555%04d"%s' "$i" "$([ "$i" -lt 119 ] && echo ,)"; done)]}"
# A console admin, so the call log (and the demo's test call in it) is one sign-in away. Local development only: change
# its password with `users add admin` again, or remove it with `users remove admin`.
CONSOLE_PASSWORD=${CONSOLE_PASSWORD:-dev-console-password}
echo "==> console user admin (password: $CONSOLE_PASSWORD)"
CUSTOMERLAB_PASSWORD="$CONSOLE_PASSWORD" ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
  dotnet "$(bin CustomerLab.Edge)/CustomerLab.Edge.dll" users add admin --role admin --contentRoot="$(bin CustomerLab.Edge)" \
  --ClickHouse:Url="$CLICKHOUSE_URL" --Redis:EmbeddedDataPath="$PWD/data/garnet" >/dev/null

cat <<MSG

CustomerLab is running:
  edge            $EDGE_URL   (/healthz, /readyz, /openapi/v1.json)
  demo site       key "demo", 20 numbers:  curl -X POST $EDGE_URL/v1/number -d '{"k":"demo","u":"http://localhost/"}'
  demo page       $EDGE_URL/demo   ("Place a test call": a signed test call to the number it shows)
  console         $EDGE_URL/console   (user admin, password $CONSOLE_PASSWORD): the call log, pools, sites, users
  admin API       $EDGE_URL/admin/sites   (header X-Api-Key: dev-admin-key)
  ClickHouse      $CLICKHOUSE_URL   (curl '$CLICKHOUSE_URL/?query=SELECT+1')
  Redis (Garnet)  redis://127.0.0.1:6380
  data            $PWD/data
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
