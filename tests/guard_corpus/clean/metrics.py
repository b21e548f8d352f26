"""Prometheus metrics for the import job."""
import time
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram, start_http_server

ROWS = Counter("import_rows_total", "Rows imported", ["source", "outcome"])
LAG = Gauge("import_lag_seconds", "Age of the newest imported row")
DURATION = Histogram(
    "import_batch_seconds",
    "Time to import one batch",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


@contextmanager
def timed_batch():
    start = time.perf_counter()
    try:
        yield
    finally:
        DURATION.observe(time.perf_counter() - start)


def record(source: str, imported: int, rejected: int, newest_ts: float) -> None:
    ROWS.labels(source=source, outcome="ok").inc(imported)
    ROWS.labels(source=source, outcome="rejected").inc(rejected)
    LAG.set(max(0.0, time.time() - newest_ts))


if __name__ == "__main__":
    start_http_server(9102, addr="127.0.0.1")
    record("erp", 1500, 3, time.time() - 42.5)
    while True:
        time.sleep(60)
