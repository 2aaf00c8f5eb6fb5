"""Benchmark of the help desk at national scale: ``python -m bench generate`` fills a
PostgreSQL database, ``python -m bench run`` times the pages and API calls against it."""
