#!/usr/bin/env bash
# The tag's first-swap benchmark (tests/CustomerLab.Tests/Tag/TagPerformanceTests.cs): the 5,000-element page next to
# the same page with nothing to swap, in real Chromium against the real edge. Writes loadtest/results/tag-perf.md.
# Run on a quiet machine; it builds first (./test.sh's steps), then runs only that test. The same pages are also
# loaded with a baseline build of the tag (default: the commit before issue 20; or the git ref given as $1), in the
# same run, so the comparison holds on a busy machine too.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
ensure_apt_packages redis-server chromium curl
ensure_npm_deps
ensure_tag_built
build_solution Release
baseline_ref=${1:-55b0b4e}
out=loadtest/results/tag-perf.md
table=$(mktemp)
# The baseline tag, built from its own sources with its own build script (esbuild from this tree's node_modules).
baseline_dir=$(mktemp -d)
git archive "$baseline_ref" tag-js/src tag-js/build.mjs | tar -x -C "$baseline_dir"
ln -s "$PWD/tag-js/node_modules" "$baseline_dir/tag-js/node_modules"
(cd "$baseline_dir/tag-js" && node build.mjs >/dev/null)
CHROMIUM_PATH=/usr/bin/chromium TAG_PERF_BASELINE="$baseline_dir/tag-js/dist/cl.js" TAG_PERF_REPORT="$table" dotnet test tests/CustomerLab.Tests/CustomerLab.Tests.csproj -c Release --no-build -nologo \
  --filter "FullyQualifiedName~TagPerformanceTests" >/dev/null
{
  echo "# Tag: first swap on a 5,000-element page"
  echo
  echo "Produced by \`loadtest/tag-perf.sh\`. Time from the edge's answer being parsed to the tag's first pageview beacon (its"
  echo "answer handler: matcher, the text and attributes that may hold a number, writes), per load, in Chromium's performance"
  echo "clock. \"no-op\" is the same page with no number on it: the tag looks at it and writes nothing."
  echo
  echo "Tag: $(cat tag-js/dist/cl.json)"
  echo
  echo "Baseline tag: \`$baseline_ref\` ($(git log -1 --format=%s "$baseline_ref" | cut -c1-80)), $(cat "$baseline_dir/tag-js/dist/cl.json")"
  echo
  cat "$table"
} >"$out"
rm -rf "$table" "$baseline_dir"
cat "$out"
