"""A notice sent to a list of people: a newsletter, a welcome, a training date."""

from pydantic import BaseModel, Field, model_validator

from models.limits import MAX_RECIPIENTS, Email, Identifier, Label, LongText, Name, Title, Url

OUTBOX_KEY = 300  # the outbox's key column, String(300): "{key}:{recipient}"


class NoticeInput(BaseModel):
    key: Identifier  # names this notice; with a recipient, the outbox key
    actor: Name = Field(min_length=1)  # who sent it, for the audit log
    recipients: list[Email] = Field(max_length=MAX_RECIPIENTS)
    subject: Title = Field(min_length=1)
    body: LongText
    action_url: Url | None = None
    action_label: Label | None = None

    @model_validator(mode="after")
    def _keys_fit(self) -> "NoticeInput":
        longest = max((len(r) for r in self.recipients), default=0)
        if len(self.key) + 1 + longest > OUTBOX_KEY:
            raise ValueError(
                f"the key and the longest recipient make an outbox key over {OUTBOX_KEY} "
                "characters: shorten the key"
            )
        return self


class NoticeResult(BaseModel):
    sent: int
    already_sent: int
