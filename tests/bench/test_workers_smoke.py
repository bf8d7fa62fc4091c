"""`bench.workers` at a tiny size on its own stack: two worker processes drive a bid to its
award and the figures add up. A smoke test (one count, to keep it short); the figures are
bench/RESULTS.md's."""

from bench import workers
from bench.stack import bench_stack


async def test_the_workers_benchmark_drives_a_bid_with_two_worker_processes(capsys):
    async with bench_stack() as stack:
        rows = await workers.measure(stack, (2,), bids=1, in_flight=1, partners=1, sections=1)
    assert [r["workers"] for r in rows] == [2]
    for row in rows:
        assert row["bids_per_s"] > 0 and row["updates_per_s"] > row["bids_per_s"]
        assert row["worker_cores"] >= row["busiest_worker_cores"] > 0
    workers.report(rows)
    assert "busiest worker" in capsys.readouterr().out
