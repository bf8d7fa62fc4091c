"""An event's read model: its row and each invitee's answer, attendance and feedback."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.contracts import upsert_all
from activities.errors import classify_errors
from models.event import EventState
from models.tables import Event, EventAttendance


@classify_errors
class EventActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def save_event(self, state: EventState) -> None:
        """Upsert the event's row and its invitees' rows; safe to repeat."""
        s = state
        row = {
            "id": s.event_id,
            "title": s.title,
            "kind": s.kind,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "place": s.place,
            "status": s.status,
            "invited": len(s.invitees),
            "accepted": sum(i.rsvp == "yes" for i in s.invitees.values()),
            "attended": len(s.attended()),
            "outputs": s.outputs.model_dump() if s.outputs else {},
        }
        people = [
            {
                "event_id": s.event_id,
                **i.model_dump(include={"organisation_id", "name", "rsvp", "attended"}),
                "rating": i.rating,
                "feedback": i.feedback,
            }
            for i in s.invitees.values()
        ]
        async with self._sessions() as session, session.begin():
            await upsert_all(session, Event, [row], ["id"])
            await upsert_all(session, EventAttendance, people, ["event_id", "organisation_id"])
