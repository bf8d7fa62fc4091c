"""The custom search attributes that make bids and members findable in the Temporal UI.

`consortia up` registers every key listed in `ALL` with the dev server; a production
cluster registers them once (see deploy/README.md).
"""

from temporalio.common import SearchAttributeKey

BID_STAGE = SearchAttributeKey.for_keyword("BidStage")
BID_LEAD = SearchAttributeKey.for_keyword("BidLead")
BID_DEADLINE = SearchAttributeKey.for_datetime("BidDeadline")
BID_OPPORTUNITY = SearchAttributeKey.for_keyword("BidOpportunity")
MEMBER_STATUS = SearchAttributeKey.for_keyword("MemberStatus")

ALL = [BID_STAGE, BID_LEAD, BID_DEADLINE, BID_OPPORTUNITY, MEMBER_STATUS]
