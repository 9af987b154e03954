"""Importing people from members' spreadsheets: per-row report, all or nothing, idempotent by
e-mail, and an export that imports again without changes."""

from __future__ import annotations

import asyncpg
import pytest

from matcher.errors import InvalidInput
from matcher.importing.people_sheet import write_csv, write_xlsx
from matcher.records import Principal, Role
from matcher.usecases.people_import import export_rows, import_people
from tests.matches.conftest import Net

ADMIN = Principal(key_id=0, role=Role.admin, organisation_id=None)
HEADER = (
    "organisatie,naam,e-mail,functie,samenvatting,uren per maand,beschikbaar vanaf,"
    "beschikbaar tot,spreker,spreekonderwerpen,talen,toestemming,ervaring\n"
)
GOOD = (
    HEADER + "ICT Noord,Anna de Vries,Anna@Example.org,Security officer,BIO en ISO 27001,12,"
    "2026-01-01,2027-12-31,ja,informatiebeveiliging; BIO,nl;en,ja,"
    '"BIO-implementatie: Beleid volgens de BIO opgesteld.\nAudit: ISO 27001 audit begeleid."\n'
    'Zorggroep Drenthe,Bram Bakker,bram@example.org,CISO,NEN 7510,"6,5",,,nee,,nl,nee,\n'
)


async def _people(conn: asyncpg.Connection) -> list[tuple[str, str, object]]:
    rows = await conn.fetch("SELECT name, email, updated_at FROM person ORDER BY email")
    return [(r["name"], r["email"], r["updated_at"]) for r in rows]


async def _import(
    conn: asyncpg.Connection, text: str | bytes, name: str = "mensen.csv", **kw: object
):  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    async with conn.transaction():
        return await import_people(conn, ADMIN, filename=name, data=data, **kw)  # type: ignore[arg-type]


async def test_import_twice_changes_nothing_the_second_time(net: Net) -> None:
    async with net.api.pool.acquire() as conn:
        dry = await _import(conn, GOOD, dry_run=True)
        assert dry.created == [2, 3] and await _people(conn) == []
        first = await _import(conn, GOOD)
        assert first.created == [2, 3] and first.problems == []
        stored = await _people(conn)
        second = await _import(conn, GOOD)
        assert second.created == [] and second.updated == [] and second.unchanged == [2, 3]
        assert await _people(conn) == stored
        docs = await conn.fetchval(
            "SELECT count(*) FROM document d JOIN person p ON p.id = d.person_id "
            "WHERE p.email = 'anna@example.org' AND d.kind NOT IN ('summary', 'speaker_topics')"
        )
        assert docs == 2
        changed = await _import(conn, GOOD.replace(",12,", ",16,"))
        assert changed.updated == [2] and changed.unchanged == [3]
        hours = await conn.fetchval(
            "SELECT capacity_hours_per_month FROM person WHERE email = 'anna@example.org'"
        )
        assert float(hours) == 16.0


async def test_a_wrong_row_stops_everything_unless_skipped(net: Net) -> None:
    bad = GOOD + "ICT Noord,Carla,geen-adres,,,veel,2026-13-01,,misschien,,nederlands,ja,Los\n"
    async with net.api.pool.acquire() as conn:
        report = await _import(conn, bad)
        assert not report.imported and await _people(conn) == []
        fields = {(p.line, p.field) for p in report.problems}
        assert fields == {
            (4, "e-mail"),
            (4, "uren per maand"),
            (4, "beschikbaar vanaf"),
            (4, "spreker"),
            (4, "talen"),
            (4, "ervaring"),
        }
        skipped = await _import(conn, bad, skip_invalid=True)
        assert skipped.imported and skipped.created == [2, 3] and skipped.skipped == [4]
        assert len(await _people(conn)) == 2
        unknown = await _import(conn, HEADER + "Nergens BV,Dirk,dirk@example.org" + "," * 10 + "\n")
        assert [(p.line, p.field) for p in unknown.problems] == [(2, "organisatie")]
        twice = await _import(conn, GOOD + GOOD.splitlines()[1] + "\n")
        assert [(p.line, p.field) for p in twice.problems] == [(4, "e-mail")]
        with pytest.raises(InvalidInput):
            await _import(conn, b"naam\nAnna\n")
        with pytest.raises(InvalidInput):
            await _import(conn, GOOD, name="mensen.pdf")


async def test_export_imports_again_without_changes(net: Net) -> None:
    async with net.api.pool.acquire() as conn:
        await _import(conn, GOOD)
        rows = await export_rows(conn, ADMIN)
        assert [r.email for r in rows] == ["anna@example.org", "bram@example.org"]
        again = await _import(conn, write_xlsx(rows), name="export.xlsx")
        assert again.problems == [] and again.unchanged == [2, 3]
        again_csv = await _import(conn, write_csv(rows), name="export.csv")
        assert again_csv.unchanged == [2, 3]
        assert write_csv(await export_rows(conn, ADMIN)) == write_csv(rows)


async def test_a_member_imports_only_its_own_people(net: Net) -> None:
    member = Principal(key_id=0, role=Role.member, organisation_id=net.org_b)
    async with net.api.pool.acquire() as conn, conn.transaction():
        report = await import_people(conn, member, filename="m.csv", data=GOOD.encode())
    assert [(p.line, p.field) for p in report.problems] == [(3, "organisatie")]


async def test_the_upload_page_reports_per_row_and_round_trips(net: Net) -> None:
    from tests.web.test_web_review import csrf_of, sign_in

    assert (await sign_in(net.client, net.pm)).status_code == 303
    form = await net.client.get("/review/import")
    assert form.status_code == 200
    token = csrf_of(form.text)
    bad = GOOD + "ICT Noord,Carla,geen-adres" + "," * 10 + "\n"
    r = await net.client.post(
        "/review/import",
        data={"csrf_token": token},
        files={"bestand": ("mensen.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422
    assert "Niets geïmporteerd" in r.text and "geen-adres" in r.text
    r = await net.client.post(
        "/review/import",
        data={"csrf_token": token, "overslaan": "ja"},
        files={"bestand": ("mensen.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 200 and "2 nieuw" in r.text
    exported = await net.client.get("/review/export/mensen.xlsx")
    assert exported.status_code == 200
    r = await net.client.post(
        "/review/import",
        data={"csrf_token": token},
        files={"bestand": ("mensen.xlsx", exported.content, "application/octet-stream")},
    )
    assert r.status_code == 200 and "2 ongewijzigd" in r.text
    forged = await net.client.post(
        "/review/import",
        data={"csrf_token": "nope"},
        files={"bestand": ("mensen.csv", GOOD.encode(), "text/csv")},
    )
    assert forged.status_code == 403
    empty = await net.client.post("/review/import", data={"csrf_token": token})
    assert empty.status_code == 422
