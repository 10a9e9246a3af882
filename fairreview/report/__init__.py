"""Report: a :class:`~fairreview.model.Report` as a terminal table, JSON, JSON Lines, SARIF, CSV or the detail
view (``render.py``, ``sarif.py``, ``csv_out.py``, ``details.py``); the Chinese labels of result codes
(``labels.py``). Kept free of imports so that ``report.labels`` is cheap to load."""
