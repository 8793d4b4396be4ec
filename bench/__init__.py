"""dozvon benchmarks: take next, queue counts, intake, lists at up to 1M orders on
PostgreSQL, against a raw-SQL baseline in the same run. Run with `python -m bench`."""
