"""The exit codes every command uses (like ruff's): 0 clean, 1 findings, 2 the run failed, 130 Ctrl-C. A module of
its own so that ``fairreview --version`` and the ways out in :func:`fairreview.cli.run` need no settings."""

EXIT_CLEAN, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a program ended by Ctrl-C
