"""The framework as the web uses it: the file's (FRAMEWORK_FILE, or County Durham's), with
the coordinator's themes, localities and synonyms from the database once saved on the web."""

from datetime import UTC, datetime

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.framework import MAX_SYNONYMS, Framework, load_framework
from models.limits import MAX_LABELS, Label
from models.tables import FrameworkVocabulary
from settings import Settings

ROW = 1  # the one row


class Vocabulary(BaseModel):
    """What the coordinator edits: one term a line; a synonym as `word = term`."""

    themes: list[Label] = Field(min_length=1, max_length=MAX_LABELS)
    localities: list[Label] = Field(min_length=1, max_length=MAX_LABELS)
    synonyms: dict[Label, Label] = Field(default_factory=dict, max_length=MAX_SYNONYMS)

    @field_validator("themes", "localities")
    @classmethod
    def _distinct(cls, terms: list[str]) -> list[str]:
        folded = [t.casefold() for t in terms]
        twice = sorted({t for t in terms if folded.count(t.casefold()) > 1})
        if twice:
            raise ValueError(f"each term once: {', '.join(twice)} is listed twice")
        return terms

    def problems(self) -> list[str]:
        """Synonyms that name no theme or locality, in words."""
        known = {t.casefold() for t in [*self.themes, *self.localities]}
        return [
            f"The synonym '{word}' means '{term}', which is not a theme or a locality."
            for word, term in self.synonyms.items()
            if term.casefold() not in known
        ]


def parse_vocabulary(themes: str, localities: str, synonyms: str) -> Vocabulary:
    """The coordinator's three text boxes; raises ValidationError or ValueError in words."""
    pairs: dict[str, str] = {}
    for line in _lines(synonyms):
        word, equals, term = line.partition("=")
        if not equals or not word.strip() or not term.strip():
            raise ValueError(f"Write each synonym as 'word = term': '{line[:80]}' is not.")
        pairs[word.strip()] = term.strip()
    vocabulary = Vocabulary(themes=_lines(themes), localities=_lines(localities), synonyms=pairs)
    problems = vocabulary.problems()
    if problems:
        raise ValueError(" ".join(problems))
    return vocabulary


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


async def current_framework(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> Framework:
    """The framework file's, with the coordinator's vocabulary when one was saved."""
    framework = load_framework(settings.framework_file)
    async with sessions() as session:
        row = await session.get(FrameworkVocabulary, ROW)
    if row is None:
        return framework
    try:
        saved = Vocabulary(themes=row.themes, localities=row.localities, synonyms=row.synonyms)
    except ValidationError:  # written by an older rule: the file's still stands
        return framework
    return framework.model_copy(update=saved.model_dump())


async def save_vocabulary(
    sessions: async_sessionmaker[AsyncSession], vocabulary: Vocabulary, by: str
) -> None:
    values = {**vocabulary.model_dump(), "updated_by": by, "updated_at": datetime.now(UTC)}
    async with sessions() as session, session.begin():
        await session.execute(
            insert(FrameworkVocabulary)
            .values(id=ROW, **values)
            .on_conflict_do_update(index_elements=["id"], set_=values)
        )
