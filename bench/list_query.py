"""The coordinator dashboard's bid list over N bids in PostgreSQL, on its own.

`bench.scale` measures the list over the bids it drove, while the worker is still busy with
them; this one fills the read model directly (rows shaped as the bid workflow writes them:
20 partners and 6 sections a bid, 30% closed) and times the first page with nothing else
running. The baseline of the same run: a `SELECT 1` round trip on the same pool.

`python -m bench.list_query [--bids N] [--runs N]`
"""

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from bench.stack import bench_stack, machine, percentile
from models.bid import CLOSED_STAGES
from models.tables import Bid, BidPartner, Opportunity, Organisation, Section
from web.bid_list import list_bids

OPEN = ("notice", "decision", "lead_selection", "partner_signup", "drafting", "agreement")
SECTIONS = ("summary", "delivery", "budget", "evaluation", "safeguarding", "partnership")
PLACES = ("Durham", "Easington", "Teesdale", "Wear Valley", "Derwentside", "Sedgefield")
ORGANISATIONS, PARTNERS = 300, 20


def rows_of(n: int, now: datetime, rng: random.Random) -> tuple[dict, dict, list, list]:
    bid_id, stage = f"bid-{n:05d}", rng.choice(OPEN)
    if rng.random() < 0.3:
        stage = rng.choice(CLOSED_STAGES)
    deadline = now + timedelta(days=rng.randint(-20, 120), hours=rng.randint(0, 23))
    orgs = [f"org-{o:04d}" for o in rng.sample(range(ORGANISATIONS), PARTNERS)]
    opportunity = {
        "id": f"opp-{n:05d}",
        "funder": rng.choice(("Big Lottery Fund", "Arts Council", "Sport England")),
        "title": f"Opportunity {n}",
        "description": "x" * 200,
        "themes": ["health"],
        "localities": rng.sample(PLACES, 2),
        "submission_deadline": deadline,
        "interest_cutoff": deadline - timedelta(days=30),
        "required_sections": list(SECTIONS),
    }
    partners = [
        {
            "bid_id": bid_id,
            "organisation_id": org,
            "role": "lead" if i == 0 else "partner",
            "status": "lead" if i == 0 else rng.choice(("invited", "accepted")),
        }
        for i, org in enumerate(orgs)
    ]
    sections = [
        {
            "bid_id": bid_id,
            "key": key,
            "title": key.capitalize(),
            "assigned_to": rng.choice(orgs),
            "due": now + timedelta(days=rng.randint(-10, 40)),
            "status": rng.choice(("assigned", "submitted", "approved")),
        }
        for key in SECTIONS
    ]
    owed = []
    if stage not in CLOSED_STAGES:
        owed = [
            {
                "kind": "invitation",
                "key": "",
                "owed_by": p["organisation_id"],
                "due": (now + timedelta(days=rng.randint(-5, 10))).isoformat(),
            }
            for p in partners
            if p["status"] == "invited"
        ]
    bid = {
        "id": bid_id,
        "opportunity_id": opportunity["id"],
        "lead_organisation_id": orgs[0],
        "stage": stage,
        "deadline": deadline,
        "next_due": min((datetime.fromisoformat(t["due"]) for t in owed), default=None),
        "outstanding_tasks": len(owed),
        "state": {"stage": stage, "outstanding": owed[:50], "outstanding_count": len(owed)},
        "version": 10,
    }
    return opportunity, bid, partners, sections


async def measure(sessions, bids: int = 1000, runs: int = 200) -> dict:
    now, rng = datetime.now(UTC), random.Random(7)
    rows = [rows_of(n, now, rng) for n in range(bids)]
    async with sessions() as session, session.begin():
        names = [
            {"id": f"org-{o:04d}", "name": f"Organisation {o}", "localities": [], "themes": []}
            for o in range(ORGANISATIONS)
        ]
        await session.execute(insert(Organisation), names)
        for table, part in ((Opportunity, 0), (Bid, 1)):
            await session.execute(insert(table), [r[part] for r in rows])
        await session.execute(insert(BidPartner), [p for r in rows for p in r[2]])
        await session.execute(insert(Section), [s for r in rows for s in r[3]])
        await session.execute(text("ANALYZE"))

    async def select_one() -> None:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))

    async def first_page() -> None:
        await list_bids(sessions, now=now)

    figures: dict = {"bids": bids, "runs": runs}
    for name, call in (("select_one", select_one), ("list", first_page)):
        for _ in range(10):  # warm the pool and the statement caches
            await call()
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            await call()
            samples.append((time.perf_counter() - started) * 1000)
        figures[f"{name}_p50_ms"] = percentile(samples, 50)
        figures[f"{name}_p99_ms"] = percentile(samples, 99)
    return figures


def report(f: dict) -> None:
    print(
        f"baseline: SELECT 1 round trip p50 {f['select_one_p50_ms']:.1f} ms, "
        f"p99 {f['select_one_p99_ms']:.1f} ms"
    )
    print(
        f"dashboard list, first page of {f['bids']} bids ({f['runs']} runs): p50 "
        f"{f['list_p50_ms']:.1f} ms, p99 {f['list_p99_ms']:.1f} ms (target p99 < 50 ms; "
        f"{f['list_p99_ms'] / f['select_one_p99_ms']:.1f}x the SELECT 1 p99)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bids", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    async with bench_stack() as stack:
        report(await measure(stack.sessions, args.bids, args.runs))


if __name__ == "__main__":
    asyncio.run(main())
