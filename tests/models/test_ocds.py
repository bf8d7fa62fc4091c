"""Reading OCDS packages: release and record packages, a bad release refused by itself with
why, and a tender mapped onto an opportunity notice (pure, no servers)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models.ocds import unpack
from models.ocds_mapping import ImportRules, opportunity_id, to_notice
from tests.activities.ocds_packages import record_package, release_package, tender

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def test_a_record_package_and_a_release_package_give_the_same_releases_in_date_order():
    first = tender("ocds-x-1", "r1", NOW, NOW + timedelta(days=30))
    later = tender("ocds-x-1", "r2", NOW + timedelta(days=1), NOW + timedelta(days=40))
    for package in (release_package(later, first), record_package(later, first)):
        unpacked = unpack(package)
        assert [r.id for r in unpacked.releases] == ["r1", "r2"] and unpacked.refused == []


def test_a_release_with_a_naive_date_or_an_oversized_title_is_refused_by_itself():
    naive = tender("ocds-x-2", "r1", NOW, NOW + timedelta(days=30))
    naive["date"] = "2027-01-10T09:00:00"
    long = tender("ocds-x-3", "r1", NOW, NOW + timedelta(days=30))
    long["tender"]["title"] = "x" * 301
    good = tender("ocds-x-4", "r1", NOW, NOW + timedelta(days=30))
    unpacked = unpack(release_package(naive, long, good))
    assert [r.ocid for r in unpacked.releases] == ["ocds-x-4"]
    [no_zone, too_long] = unpacked.refused
    assert "ocds-x-2" in no_zone and "time zone" in no_zone
    assert "ocds-x-3" in too_long and "tender.title" in too_long
    with pytest.raises(ValueError, match="not an OCDS"):
        unpack({"uri": "x"})


def test_a_tender_becomes_a_notice_with_its_themes_dates_and_links():
    release = unpack(
        release_package(tender("ocds-b5fd17-Ä/1", "r1", NOW, NOW + timedelta(days=30)))
    ).releases[0]
    rules = ImportRules(
        cpv_themes={"853": "adults", "85312": "family support"},
        localities={"easington": "Easington"},
    )
    notice = to_notice(release, rules, NOW)
    assert notice.id == opportunity_id("ocds-b5fd17-Ä/1") == "ocds-b5fd17--1"
    assert notice.themes == ["family support"]  # the longest prefix
    assert notice.localities == ["Easington"]
    assert notice.value == Decimal("120000.00") and notice.funder == "Durham County Council"
    assert notice.interest_cutoff == NOW + timedelta(days=10)  # the enquiry period's end
    assert (
        "https://example.org/spec.pdf" in notice.description and "East Durham" in notice.description
    )
    with pytest.raises(ValueError, match="closed"):
        to_notice(release, rules, NOW + timedelta(days=31))
    assert len(opportunity_id("ocds-" + "a" * 100)) == 64
