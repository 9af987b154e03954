"""Hours the network shares: offered, reserved and spent per sector and organisation, on the
network page and as CSV and XLSX downloads."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from matcher.records import Principal, Role
from matcher.usecases.hours import first_month, network_hours
from tests.matches.conftest import Net
from tests.web.test_web_review import sign_in

STAFF = Principal(key_id=0, role=Role.programme_manager, organisation_id=None)


def _by_name(rows: list) -> dict[str, tuple[float, float, float]]:  # type: ignore[type-arg]
    return {r.name: (r.offered, r.reserved, r.spent) for r in rows}


async def test_offered_reserved_and_spent_per_sector(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries", capacity=20)
    bram = await net.person(net.org_c, "Bram Bakker", capacity=10)
    await net.person(net.org_c, "Zonder Toestemming", capacity=50, consent=False)
    held = await net.challenge("BIO-beleid A", hours_needed=10)
    done = await net.challenge("BIO-beleid B", hours_needed=12)
    await net.drain()
    await net.drive(await net.match_id(held, anna), "approved")
    finished = await net.match_id(done, bram)
    for action, actor in (("approve", "pm"), ("introduce", "pm"), ("accept", "other_org")):
        assert (await net.act(finished, action, actor)).status_code == 200
    assert (await net.act(finished, "complete")).status_code == 200  # books 8 hours spent
    async with net.api.pool.acquire() as conn:
        report = await network_hours(conn, STAFF, by="sector")
        per_org = await network_hours(conn, STAFF, by="organisation")
    totals = _by_name(report.totals)
    assert totals["ICT-dienstverlening"] == (240.0, 10.0, 0.0)
    # Only consenting people offer hours; the booked hours replaced the held ones.
    assert totals["Gezondheid en Welzijn"] == (120.0, 0.0, 8.0)
    assert _by_name(per_org.totals)["ICT Noord"] == (240.0, 10.0, 0.0)
    months = {r.month for r in report.rows}
    assert len(months) == 12 and min(months) == first_month(date.today())


async def test_hours_on_the_page_and_as_files(net: Net) -> None:
    anna = await net.person(net.org_b, "Anna de Vries", capacity=20)
    cid = await net.challenge(hours_needed=10)
    await net.drain()
    await net.drive(await net.match_id(cid, anna), "approved")
    assert (await sign_in(net.client, net.pm)).status_code == 303
    page = await net.client.get("/review/network")
    assert page.status_code == 200
    assert "Gedeelde uren per sector" in page.text and "ICT-dienstverlening" in page.text

    r = await net.client.get("/review/network/uren.csv?per=organisatie")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == [
        "maand",
        "organisatie",
        "sector",
        "aangeboden uren",
        "gereserveerde uren",
        "bestede uren",
    ]
    assert {row[1] for row in rows[1:]} == {"ICT Noord"}
    assert sum(float(row[4]) for row in rows[1:]) == pytest.approx(10.0, abs=0.2)

    x = await net.client.get("/review/network/uren.xlsx?per=organisatie")
    assert x.status_code == 200
    sheet = load_workbook(io.BytesIO(x.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == rows[0]
    assert [[*r[:3], *map(float, r[3:])] for r in cells[1:]] == [
        [*r[:3], *map(float, r[3:])] for r in rows[1:]
    ]

    other = await net.client.get("/review/network/uren.pdf")
    assert other.status_code in (404, 422)
    net.client.cookies.clear()
    anonymous = await net.client.get("/review/network/uren.csv")
    assert anonymous.status_code == 303
