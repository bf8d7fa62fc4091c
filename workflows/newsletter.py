"""The quarterly procurement newsletter, started by its Temporal Schedule (`newsletter`, see
deploy/schedules.py; pause it there or in the Temporal UI). It drafts the quarter's issue, gives
the coordinator time to read the preview and write the introduction on the web, then sends it
to every member through the outbox, a page at a time."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.newsletter import NewsletterActivities
    from models.newsletter import DraftInput, NewsletterInput, SendPage, quarter_of
    from workflows.policies import EMAIL, STORE


@workflow.defn
class NewsletterWorkflow:
    """One quarter's issue. Signal: send_now (the coordinator sends it before the review time
    is over). Query: quarter."""

    def __init__(self) -> None:
        self._send_now = False
        self._quarter = ""

    @workflow.run
    async def run(self, input: NewsletterInput) -> int:
        self._quarter = quarter_of(workflow.now())
        await STORE.run(
            NewsletterActivities.draft_newsletter,
            DraftInput(
                quarter=self._quarter,
                workflow_id=workflow.info().workflow_id,
                coordinator_email=input.coordinator_email,
                preview_url=input.preview_url,
            ),
        )
        try:
            await workflow.wait_condition(lambda: self._send_now, timeout=input.review)
        except TimeoutError:
            pass  # the review time is over: it goes as it stands
        sent, after = 0, None
        while True:
            page = await EMAIL.run(
                NewsletterActivities.send_newsletter_page,
                SendPage(quarter=self._quarter, after=after),
            )
            if page.last is None:
                return sent
            sent, after = sent + page.sent, page.last

    @workflow.signal
    def send_now(self) -> None:
        self._send_now = True

    @workflow.query
    def quarter(self) -> str:
        return self._quarter
