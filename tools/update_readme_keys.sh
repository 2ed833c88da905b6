#!/usr/bin/env bash
# Regenerates the README's scenario-key table from `rcusim keys` (a test checks they agree).
set -euo pipefail
cd "$(dirname "$0")/.."
keys="$(./build/rcusim keys)"
/usr/bin/python3 - "$keys" <<'PY'
import sys
keys = sys.argv[1] + "\n"
s = open("README.md").read()
b = s.index("<!-- keys:begin -->\n") + len("<!-- keys:begin -->\n")
e = s.index("<!-- keys:end -->")
open("README.md", "w").write(s[:b] + keys + s[e:])
PY
