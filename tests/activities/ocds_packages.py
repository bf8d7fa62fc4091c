"""OCDS 1.1 packages the tests write: a tender, its amendment, its cancellation, its award."""

from datetime import datetime, timedelta
from typing import Any


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def tender(
    ocid: str,
    release_id: str,
    date: datetime,
    deadline: datetime,
    *,
    tag: str = "tender",
    cpv: str = "85312000",
    vcse: bool = True,
    status: str = "active",
) -> dict[str, Any]:
    return {
        "ocid": ocid,
        "id": release_id,
        "date": iso(date),
        "tag": [tag],
        "initiationType": "tender",
        "buyer": {"id": "GB-GOR-DURHAM", "name": "Durham County Council"},
        "tender": {
            "id": f"{ocid}-tender",
            "title": "Young people's mental health peer support",
            "description": "Peer support groups for young people across the county.",
            "status": status,
            "value": {"amount": 120000.0, "currency": "GBP"},
            "tenderPeriod": {"startDate": iso(date), "endDate": iso(deadline)},
            "enquiryPeriod": {"endDate": iso(deadline - timedelta(days=20))},
            "items": [
                {
                    "id": "1",
                    "classification": {"scheme": "CPV", "id": cpv, "description": "Services"},
                    "deliveryAddresses": [{"region": "North East", "locality": "Easington"}],
                }
            ],
            "lots": [{"id": "1", "title": "East Durham"}],
            "documents": [{"id": "d1", "url": "https://example.org/spec.pdf", "title": "Spec"}],
            "suitability": {"sme": True, "vcse": vcse},
            "someExtension": {"ignored": True},
        },
    }


def award(
    ocid: str, release_id: str, date: datetime, suppliers: list[str], amount: float
) -> dict[str, Any]:
    return {
        "ocid": ocid,
        "id": release_id,
        "date": iso(date),
        "tag": ["award"],
        "buyer": {"id": "GB-GOR-DURHAM", "name": "Durham County Council"},
        "awards": [
            {
                "id": f"{ocid}-award-1",
                "status": "active",
                "date": iso(date),
                "value": {"amount": amount, "currency": "GBP"},
                "suppliers": [
                    {"id": f"GB-X-{i}", "name": name} for i, name in enumerate(suppliers)
                ],
                "contractPeriod": {"startDate": "2027-09-01T00:00:00Z"},
            }
        ],
    }


def release_package(*releases: dict[str, Any]) -> dict[str, Any]:
    return {
        "uri": "https://example.org/ocds/package.json",
        "publishedDate": releases[0]["date"],
        "publisher": {"name": "Contracts Finder (test)"},
        "version": "1.1",
        "releases": list(releases),
    }


def record_package(*releases: dict[str, Any]) -> dict[str, Any]:
    return {
        "uri": "https://example.org/ocds/records.json",
        "version": "1.1",
        "records": [{"ocid": releases[0]["ocid"], "releases": list(releases)}],
    }
