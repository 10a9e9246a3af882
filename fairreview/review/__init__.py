"""Review: people decide on what the scan recommends, and their decisions are kept.

- ``store``       the SQLite decisions database (append-only, migrations by ``PRAGMA user_version``)
- ``fingerprint`` document and sentence identities that survive moves, re-exports and edits elsewhere
- ``apply``       decisions and the baseline applied to a finished scan (dismissed findings leave the verdict)
- ``tui``         the line-based interactive review (works over SSH and with piped input)
- ``ledger``      the 台账 (XLSX / CSV)
- ``baseline``    known findings, so that later scans show only new ones
"""

from .apply import ApplySummary, apply_review
from .store import DEFAULT_DB, Store, StoreError

__all__ = ["DEFAULT_DB", "ApplySummary", "Store", "StoreError", "apply_review"]
