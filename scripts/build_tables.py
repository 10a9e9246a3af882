#!/usr/bin/env python3
"""Write the precomputed tables in fairreview/data/precomputed/ (see fairreview/precomputed.py) from their
builders, the slow way each was always made. Run it after changing any of the sources below (or the Python
the package is developed on: the NFKC table is made with its unicodedata); tests/test_precomputed.py fails
while a table is out of date.

Usage: python scripts/build_tables.py
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from fairreview import legal, precomputed
from fairreview.concepts import gazetteer
from fairreview.read import plausible
from fairreview.read.normalize import FOLDS_TABLE, _build_tables


def place_names() -> dict[str, dict[str, str]]:
    n = gazetteer.build_names()
    return {"full": n.full, "short": n.short}


def rare_ideographs() -> str:
    return plausible.rare_ranges()


def nfkc_folds() -> dict[str, str]:
    one, multi = _build_tables()
    return {"from": "".join(map(chr, one)), "to": "".join(one.values()), "multi": multi}


def superseded() -> list[dict[str, Any]]:
    return legal.superseded_rows()


def provisions() -> list[dict[str, Any]]:
    return legal.provision_rows()


#: name → (builder, what it is worked out from, whether it depends on the Unicode version)
TABLES: dict[str, tuple[Callable[[], Any], str, bool]] = {
    gazetteer.NAMES_TABLE: (place_names, "fairreview/data/places/adcodes.csv, nations.csv "
                            "(fairreview.concepts.gazetteer.build_names)", False),
    plausible.RARE_TABLE: (rare_ideographs, "Python's gb2312 and big5 codecs "
                           "(fairreview.read.plausible.rare_ranges)", False),
    FOLDS_TABLE: (nfkc_folds, "Python's unicodedata NFKC (fairreview.read.normalize._build_tables)", True),
    legal.SUPERSEDED_TABLE: (superseded, "fairreview/data/superseded.yaml (fairreview.legal.superseded_rows)", False),
    legal.PROVISIONS_TABLE: (provisions, "fairreview/data/provisions.yaml (fairreview.legal.provision_rows)", False),
}


def main() -> None:
    for name, (build, source, by_unicode) in TABLES.items():
        precomputed.dump(name, build(), source, unicodedata.unidata_version if by_unicode else None)
        print(precomputed.path(name))


if __name__ == "__main__":
    main()
