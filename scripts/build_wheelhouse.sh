#!/usr/bin/env bash
# Build a wheelhouse for an offline install: fairreview's own wheel and every wheel it needs, in one folder
# that can be copied (USB stick, intranet share) to a machine without internet access, then installed with
#
#     python -m venv .venv && .venv/bin/pip install --no-index --find-links wheelhouse fairreview
#
# (Windows: py -m venv .venv; .venv\Scripts\pip install --no-index --find-links wheelhouse fairreview).
#
# usage: scripts/build_wheelhouse.sh [DIR] [pip download options for another target machine]
#   scripts/build_wheelhouse.sh                              # for this kind of machine, into ./wheelhouse
#   scripts/build_wheelhouse.sh wh-win --platform win_amd64 --python-version 3.11   # for 64-bit Windows
# Needs a connected machine with Python >= 3.11 and pip. Only wheels are taken (--only-binary): the target
# machine then needs no compiler. docs: README.md "Install without internet access".
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-wheelhouse}"
shift $(( $# > 0 ? 1 : 0 ))
python="${PYTHON:-python3}"
mkdir -p "$out"
rm -f "$out"/fairreview-*.whl
# 1. fairreview itself (pure Python: one wheel for every platform)
"$python" -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$out" .
wheel=$(ls "$out"/fairreview-*.whl)
# 2. its dependencies, as wheels for the target (this machine unless --platform/--python-version are given)
"$python" -m pip download --quiet --disable-pip-version-check --only-binary=:all: --dest "$out" "$@" "$wheel"
count=$(ls "$out"/*.whl | wc -l)
size=$(du -sh "$out" | cut -f1)
echo "wheelhouse: $out ($count wheels, $size)"
echo "install offline: pip install --no-index --find-links $out fairreview"
