#!/usr/bin/env bash
# The offline install, tested as a government intranet machine has it: build the wheelhouse (network), then,
# inside a network namespace with no network at all (unshare -n, as root), make a fresh venv, install from
# the wheelhouse only, and scan the examples. Exit 0 when the scan ran and reported (exit 1 = findings);
# exit 77 (skipped) when network namespaces are not available here, with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
  echo "skipped: unshare -n needs root and network namespaces (not available here)" >&2
  exit 77
fi
bash scripts/build_wheelhouse.sh "$work/wheelhouse"
cp -r examples "$work/examples"
# everything below runs with no network interface but loopback (down): pip cannot reach any index
unshare -n bash -euo pipefail -c '
  cd "$1"
  python3 -c "import socket; s = socket.socket(); s.settimeout(3)
try:
    s.connect((\"1.1.1.1\", 443)); raise SystemExit(\"network reachable: not an offline test\")
except OSError as exc:
    print(\"network is down:\", exc)"
  python3 -m venv venv
  PIP_CONFIG_FILE=/dev/null venv/bin/pip install --quiet --disable-pip-version-check --no-index \
      --find-links wheelhouse fairreview
  set +e
  venv/bin/fairreview scan examples/ --no-cache
  rc=$?
  set -e
  echo "fairreview scan exit code: $rc"
  [ "$rc" -eq 1 ]  # the examples have findings
' _ "$work"
echo "offline install from the wheelhouse: OK" >&2
