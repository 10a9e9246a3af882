#!/usr/bin/env bash
# Set up .venv (if needed) and run the whole test suite: lint, types, tests (lexicon examples included).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check fairreview tests scripts benchmarks
.venv/bin/mypy
# .doc/.wps are read in pure Python; the tests of the optional converter path (Word 6/95, Works .wps, and the
# pure reader checked against LibreOffice) use LibreOffice or antiword where present and skip with a reason
# otherwise: install them where we can (root on a Debian-like machine, as CI is); quiet, bounded, never fatal.
if ! command -v soffice >/dev/null 2>&1 && ! command -v antiword >/dev/null 2>&1 \
    && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "installing libreoffice-writer-nogui and antiword for the .doc/.wps tests ..." >&2
  (timeout 900 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 \
    apt-get install -y -qq libreoffice-writer-nogui antiword) >/dev/null 2>&1 \
    || echo "could not install LibreOffice/antiword: the .doc/.wps tests will be skipped" >&2
fi
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
exit "$rc"
