"""Review: people decide on what the scan recommends, and their decisions are kept.

- ``store``       the SQLite decisions database (append-only, migrations by ``PRAGMA user_version``)
- ``fingerprint`` document and sentence identities that survive moves, re-exports and edits elsewhere
- ``apply``       decisions and the baseline applied to a finished (or stored) scan, without reading files
- ``status``      what a decision means for a finding and a document
- ``tui``         the line-based interactive review (works over SSH and with piped input)
- ``source``      a document's text again, for the review screen's context lines
- ``ledger``      the 台账 (XLSX / CSV)
- ``baseline``    known findings, so that later scans show only new ones
"""
