"""Console forms to Update inputs: each action's form fields as the dict its model reads."""

from datetime import UTC, datetime, time

from starlette.datastructures import FormData

# A due date given as a day means the end of that working day.
END_OF_DAY = time(17, 0, tzinfo=UTC)


def _due(value: str) -> str:
    value = value.strip()
    if len(value) == 10:  # YYYY-MM-DD from <input type=date>
        try:
            return datetime.combine(datetime.fromisoformat(value).date(), END_OF_DAY).isoformat()
        except ValueError:
            return value  # the model's validation says what is wrong
    return value


def action_data(action: str, form: FormData) -> dict:
    """The fields of `action`'s input model from a console form."""
    f = {k: v for k, v in form.items() if isinstance(v, str) and k not in ("csrf_token", "nonce")}
    if action == "invite_partners":
        return {
            "organisation_ids": [v for v in form.getlist("organisation_id") if isinstance(v, str)]
        }
    if action == "assign_sections":
        due = _due(f.get("due", ""))
        assignment = {
            "section": f.get("section", ""),
            "organisation_id": f.get("organisation_id", ""),
        }
        return {"assignments": [{**assignment, "due": due}]}
    if action in ("review_contribution", "record_outcome", "decide_bid"):
        for name in ("approve", "awarded", "go"):
            if name in f:
                f[name] = f[name] in ("yes", "true", "on", "1")
        for optional in ("value", "start_date"):
            if f.get(optional) == "":
                f.pop(optional)
    if action == "move_deadline":
        f["submission_deadline"] = _due(f.get("submission_deadline", ""))
    if action == "extend_task":
        f["until"] = _due(f.get("until", ""))
    if action == "resolve_escalation" and f.get("until"):
        f["until"] = _due(f["until"])
    elif action == "resolve_escalation":
        f.pop("until", None)
    return f
