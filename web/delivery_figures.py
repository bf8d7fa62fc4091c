"""After the award and around the bids, in figures: contracts delivering and closed, the value
delivered (what funders paid) and outputs achieved beside value won; engagement events held
and their attendance (one of the seed's measures of success); what is due and owed now."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.tables import Contract, Event


@dataclass
class DeliveryFigures:
    contracts: int = 0
    contracts_closed: int = 0
    value_delivered_pence: int = 0
    outputs_achieved: int = 0
    returns_due: int = 0
    returns_overdue: int = 0
    owed_pence: int = 0  # to partners, from payments received and not yet passed on
    events_held: int = 0
    invited: int = 0  # to the events held
    attended: int = 0
    upcoming: list[Event] = field(default_factory=list)
    recent: list[Event] = field(default_factory=list)  # held, latest first
    open_contracts: list[Contract] = field(default_factory=list)

    @property
    def attendance_rate(self) -> int | None:
        return round(100 * self.attended / self.invited) if self.invited else None

    @property
    def value_delivered(self) -> float:
        return self.value_delivered_pence / 100


async def delivery_figures(
    sessions: async_sessionmaker[AsyncSession], now: datetime
) -> DeliveryFigures:
    async with sessions() as session:
        contracts = (await session.scalars(select(Contract).order_by(Contract.next_due))).all()
        events = (await session.scalars(select(Event).order_by(Event.starts_at))).all()
    held = [e for e in events if e.status in ("held", "closed")]
    return DeliveryFigures(
        contracts=len(contracts),
        contracts_closed=sum(c.stage == "closed" for c in contracts),
        value_delivered_pence=sum(c.value_delivered_pence for c in contracts),
        outputs_achieved=sum(c.outputs_achieved for c in contracts),
        returns_due=sum(c.returns_due for c in contracts if c.stage != "closed"),
        returns_overdue=sum(c.returns_overdue for c in contracts if c.stage != "closed"),
        owed_pence=sum(c.owed_pence for c in contracts),
        events_held=len(held),
        invited=sum(e.invited for e in held),
        attended=sum(e.attended for e in held),
        upcoming=[e for e in events if e.status == "invited" and e.starts_at >= now][:10],
        recent=held[::-1][:10],
        open_contracts=[c for c in contracts if c.stage != "closed"][:20],
    )
