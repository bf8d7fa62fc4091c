"""The consortium agreement: generated from the bid as a readable document, hashed by version.

Partners sign one exact version: the SHA-256 of its text is what a signature names.
"""

import hashlib
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from temporalio import activity

from activities.errors import classify_errors
from models.bid_rows import AgreementDocument, AgreementInput

TEMPLATES = Path(__file__).resolve().parent / "templates" / "agreement"


def render_agreement(input: AgreementInput) -> AgreementDocument:
    """Pure: the same bid gives the same text and hash."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    text = env.get_template("consortium_agreement.md").render(**input.model_dump())
    digest = hashlib.sha256(text.encode()).hexdigest()
    return AgreementDocument(version=input.version, version_hash=digest, text=text)


@classify_errors
class AgreementActivities:
    @activity.defn
    async def generate_agreement(self, input: AgreementInput) -> AgreementDocument:
        """Render the consortium agreement for one version of the consortium."""
        return render_agreement(input)
