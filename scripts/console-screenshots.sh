#!/usr/bin/env bash
# Refreshes the console screenshots shown in docs/console.md: runs the console's browser tests (which save their
# screenshots under the test output, bin/<Configuration>/net10.0/screenshots) and copies them into docs/images/console/.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIGURATION=${CONFIGURATION:-Release}
shots="tests/CustomerLab.Tests/bin/$CONFIGURATION/net10.0/screenshots"
rm -rf "$shots"
./test.sh -namespace "CustomerLab.Tests.Backoffice" -class "*TestCallBrowserTests"
mkdir -p docs/images/console
# Only the pictures docs/console.md shows: a test's other screenshots stay in the test output.
for name in $(grep -oE 'images/console/[a-z-]+\.png' docs/console.md | sort -u | sed 's|images/console/||'); do
  if [ -f "$shots/$name" ]; then
    cp "$shots/$name" "docs/images/console/$name"
    echo "docs/images/console/$name ($(stat -c %s "docs/images/console/$name") bytes)"
  else
    echo "missing: $shots/$name (no test saved it)" >&2
    exit 1
  fi
done
