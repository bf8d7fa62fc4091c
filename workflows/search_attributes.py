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
# After the award (workflows/contract/) and around the bids (workflows/event.py); no names or
# addresses, only stages, ids and dates.
CONTRACT_STAGE = SearchAttributeKey.for_keyword("ContractStage")
CONTRACT_BID = SearchAttributeKey.for_keyword("ContractBid")
CONTRACT_ENDS = SearchAttributeKey.for_datetime("ContractEnds")
EVENT_STATUS = SearchAttributeKey.for_keyword("EventStatus")

ALL = [BID_STAGE, BID_LEAD, BID_DEADLINE, BID_OPPORTUNITY, MEMBER_STATUS]
ALL += [CONTRACT_STAGE, CONTRACT_BID, CONTRACT_ENDS, EVENT_STATUS]  # SQL visibility: few of each
