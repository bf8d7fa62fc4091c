"""Every benchmark in `bench/` runs at a tiny size on its own stack (a real Temporal dev server,
PostgreSQL and SMTP server) and reports figures that add up: a smoke test, not a measurement.
The figures themselves are `bench/RESULTS.md`'s, from `python -m bench.<name>`."""

import pytest

from bench import answer_latency, baseline, email_throughput, lifecycle, list_query, scale
from bench.drive import minimum_round_trips
from bench.stack import bench_stack


@pytest.fixture(scope="module")
async def stack():
    async with bench_stack() as stack:
        yield stack


@pytest.fixture(scope="module")
async def base(stack):
    figures = await baseline.measure(stack.client, workflows=5, updates=10, concurrency=5)
    assert figures["trivial_workflows_per_s"] > 0
    assert 0 < figures["update_p50_ms"] <= figures["update_p99_ms"]
    return figures


async def test_the_lifecycle_benchmark_drives_a_bid_to_its_award_in_the_fewest_round_trips(
    stack, base, capsys
):
    figures = await lifecycle.measure(stack, partners=2, sections=2, bids=2, in_flight=2, base=base)
    assert figures["round_trips"] == figures["minimum_round_trips"] == minimum_round_trips(2, 2)
    # Small mailings go by the bid's own activities: a tiny bid may start no child at all.
    assert figures["events_bid"] <= figures["events_with_children"]
    lifecycle.report(figures)
    assert "round trips" in capsys.readouterr().out


async def test_the_answer_benchmark_sees_every_answer_reach_the_read_model(stack, base, capsys):
    figures = await answer_latency.measure(stack, bids=1, partners=3, in_flight=2, base=base)
    assert figures["answers"] == 3
    assert figures["settle_s"] is not None  # the invitations' mail was done first
    assert 0 < figures["post_p50_ms"] <= figures["answer_p99_ms"]
    answer_latency.report(figures)
    assert "ratio to the bare Update" in capsys.readouterr().out


async def test_the_scale_benchmark_leaves_every_invitation_outstanding(stack, base, capsys):
    # With a mail worker beside the worker (`--mail-worker`), as the latest figures ran.
    figures = await scale.measure(
        stack, bids=2, partners=3, in_flight=2, window=30, base=base, mail_worker=True
    )
    assert figures["failures"] == []
    assert figures["outstanding_invitations"] == figures["scheduled_invitations"] == 6
    assert figures["settle_s"] is not None and figures["mailings_running"] == 0
    assert 0 < figures["events_max"] < 10_000
    assert figures["listed"] >= 2  # the stack also holds the other benchmarks' bids
    assert figures["worker_peak_mib"] >= figures["worker_idle_mib"] > 0
    assert figures["mail_worker_peak_mib"] > 0
    scale.report(figures)
    out = capsys.readouterr().out
    assert "dashboard list" in out and "mail worker" in out


async def test_the_email_benchmark_sends_every_message_both_ways(stack, capsys):
    figures = await email_throughput.measure(stack, messages=10, concurrency=2)
    assert min(figures["reused_per_s"], figures["new_connection_per_s"]) > 0
    assert figures["batched_per_s"] > 0
    assert len(stack.mailbox.to("member9@example.org")) == 3  # once per way, each its own key
    email_throughput.report(figures)
    assert "messages/s" in capsys.readouterr().out


async def test_the_list_benchmark_times_a_full_first_page(stack, capsys):
    figures = await list_query.measure(stack.sessions, bids=60, runs=5)
    assert 0 < figures["select_one_p50_ms"] and 0 < figures["list_p50_ms"]
    list_query.report(figures)
    assert "first page of 60 bids" in capsys.readouterr().out
