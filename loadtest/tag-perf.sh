#!/usr/bin/env bash
# The tag's first-swap benchmark (tests/CustomerLab.Tests/Tag/TagPerformanceTests.cs): the 5,000-element page next to
# the same page with nothing to swap, in real Chromium against the real edge. Writes loadtest/results/tag-perf.md.
# Run on a quiet machine; it builds first (./test.sh's steps), then runs only that test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
ensure_apt_packages redis-server chromium curl
ensure_npm_deps
ensure_tag_built
build_solution Release
out=loadtest/results/tag-perf.md
table=$(mktemp)
TAG_PERF_REPORT="$table" dotnet test tests/CustomerLab.Tests/CustomerLab.Tests.csproj -c Release --no-build -nologo \
  --filter "FullyQualifiedName~TagPerformanceTests" >/dev/null
{
  echo "# Tag: first swap on a 5,000-element page"
  echo
  echo "Produced by \`loadtest/tag-perf.sh\`. Time from the edge's answer being parsed to the tag's first pageview beacon (its"
  echo "answer handler: matcher, walk of text, attributes and shadow roots, writes), per load, in Chromium's performance clock."
  echo "\"no-op\" is the same page with no number on it: the tag walks it and writes nothing."
  echo
  echo "Tag: $(cat tag-js/dist/cl.json)"
  echo
  cat "$table"
} >"$out"
rm -f "$table"
cat "$out"
