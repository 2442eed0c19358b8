"""Importing other funders' records and shared instruments through the officers' pages and the
commands: good files create rows, re-imports update them, bad files import nothing and list
every problem, provincial officers upload only their own province's rows."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from grants.models import AuditEntry, Institution, Role
from grants.models.overlaps import ExternalRecord, SharedInstrument
from tests.factories import make_user
from tests.grants.overlaps.factories_records import (
    instrument_row,
    instruments_file,
    record_row,
    records_file,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
RAW_ID = "110101199003078515"


@pytest.fixture
def officer(reference):
    return make_user(roles=[Role.FUND_OFFICER])


@pytest.fixture
def office(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def jiangsu(client, reference):
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="320000"))
    return client


def upload(client, data, kind="records", name="records.csv"):
    path = (
        "/office/external-records/import/" if kind == "records" else "/office/instruments/import/"
    )
    return client.post(path, {"file": SimpleUploadedFile(name, data, "text/csv")}, follow=True)


def test_a_good_file_creates_its_records(office, officer):
    response = upload(
        office,
        records_file(
            record_row(),
            record_row(reference="NSFC-1", province="", programme="国家自然科学基金面上项目"),
            bom=True,
        ),
    )
    assert response.status_code == 200
    assert "records.csv imported: 2 new rows, 0 updated, 0 unchanged." in response.content.decode()
    record = ExternalRecord.objects.get(reference="23ZR1400001")
    assert record.province_id == "310000"
    assert record.institution == Institution.objects.get(name_zh="复旦大学")
    assert record.imported_by == officer
    assert ExternalRecord.objects.get(reference="NSFC-1").province is None
    assert AuditEntry.objects.filter(action="external_records.imported").exists()


def test_a_reimport_updates_in_place(office):
    upload(office, records_file(record_row()))
    first = ExternalRecord.objects.get()
    response = upload(office, records_file(record_row(title_en="A new title", amount="250000")))
    assert "0 new rows, 1 updated, 0 unchanged." in response.content.decode()
    record = ExternalRecord.objects.get()
    assert record.pk == first.pk
    assert (record.title_en, str(record.amount)) == ("A new title", "250000.00")
    assert record.updated_at > first.updated_at


def test_a_reimport_of_the_same_file_leaves_the_rows_as_they_are(office, client, reference):
    data = records_file(record_row(), record_row(reference="B"))
    upload(office, data)
    before = dict(ExternalRecord.objects.values_list("reference", "updated_at"))
    client.force_login(make_user(roles=[Role.FUND_OFFICER]))
    response = upload(client, records_file(record_row(), record_row(reference="B", amount="1")))
    assert "0 new rows, 1 updated, 1 unchanged." in response.content.decode()
    after = dict(ExternalRecord.objects.values_list("reference", "updated_at"))
    assert after["23ZR1400001"] == before["23ZR1400001"] and after["B"] > before["B"]


def test_a_bad_file_lists_every_problem_and_imports_nothing(office):
    data = records_file(
        record_row(),
        record_row(reference="B", amount="lots", pi_orcid="0000-0002-1825-0098"),
        record_row(reference="C", pi_id_hash=RAW_ID),
    )
    response = upload(office, data, name="jiangsu-2024.csv")
    page = response.content.decode()
    assert response.status_code == 200
    assert ExternalRecord.objects.count() == 0
    assert "Nothing was imported: 2 rows need correcting." in page
    assert "Correct jiangsu-2024.csv and choose it again below" in page
    assert "“lots” is not an amount in yuan" in page
    assert "check digit is wrong" in page
    assert "raw national ID number" in page
    assert RAW_ID not in page
    assert '<td class="num">3</td>' in page and '<td class="num">4</td>' in page


def test_posting_without_a_file_shows_the_fields_error(office):
    response = office.post("/office/external-records/import/")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_an_unreadable_file_is_refused_beside_the_field(office):
    response = upload(office, "名称\n仪器\n".encode("gb18030"))
    assert "The file is not UTF-8 text." in response.context["form"].errors["file"][0]
    assert ExternalRecord.objects.count() == 0


def test_a_provincial_officer_imports_only_their_own_provinces_rows(jiangsu):
    response = upload(jiangsu, records_file(record_row(), record_row(reference="N", province="")))
    page = response.content.decode()
    assert "you may import rows of" in page and "Jiangsu" in page
    assert ExternalRecord.objects.count() == 0
    own = record_row(programme="江苏省自然科学基金", reference="BK1", province="320000")
    response = upload(jiangsu, records_file(own))
    assert "1 new rows, 0 updated, 0 unchanged." in response.content.decode()
    assert ExternalRecord.objects.get().province_id == "320000"


def test_a_provincial_officer_cannot_take_over_another_provinces_row(office, client, reference):
    upload(office, records_file(record_row(programme="P", reference="R1", province="310000")))
    client.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="320000"))
    response = upload(
        client, records_file(record_row(programme="P", reference="R1", province="320000"))
    )
    assert "already stored for another province" in response.content.decode()
    assert ExternalRecord.objects.get().province_id == "310000"


def test_officers_read_every_record_with_filters(office):
    upload(
        office,
        records_file(
            record_row(),
            record_row(reference="NSFC-1", province="", programme="国家自然科学基金面上项目"),
            record_row(reference="ZJ-1", province="330000", pi_name="王浙江", title_zh="储能"),
        ),
    )
    jiangsu = office
    jiangsu.force_login(make_user(roles=[Role.PROVINCIAL_OFFICER], province="320000"))
    page = jiangsu.get("/office/external-records/")
    assert {r.reference for r in page.context["page"]} == {"23ZR1400001", "ZJ-1", "NSFC-1"}
    national = jiangsu.get("/office/external-records/?province=national")
    assert [r.reference for r in national.context["page"]] == ["NSFC-1"]
    zhejiang = jiangsu.get("/office/external-records/?province=330000")
    assert [r.reference for r in zhejiang.context["page"]] == ["ZJ-1"]
    search = jiangsu.get("/office/external-records/?q=王浙江")
    assert [r.reference for r in search.context["page"]] == ["ZJ-1"]
    programme = jiangsu.get("/office/external-records/?programme=上海市自然科学基金")
    assert [r.reference for r in programme.context["page"]] == ["23ZR1400001", "ZJ-1"]


def test_the_list_is_paginated(office):
    upload(office, records_file(*[record_row(reference=f"R{n:03d}") for n in range(55)]))
    first = office.get("/office/external-records/?programme=上海市自然科学基金")
    assert len(first.context["page"]) == 50
    second = office.get("/office/external-records/?programme=上海市自然科学基金&page=2")
    assert len(second.context["page"]) == 5
    assert "programme=" in first.context["query"]


def test_instruments_import_update_and_list(office):
    response = upload(office, instruments_file(instrument_row()), kind="instruments")
    assert "1 new rows, 0 updated, 0 unchanged." in response.content.decode()
    response = upload(
        office,
        instruments_file(
            instrument_row(model="JEOL JEM-ARM300F2"), instrument_row(catalogue_ref="B")
        ),
        kind="instruments",
    )
    assert "1 new rows, 1 updated, 0 unchanged." in response.content.decode()
    assert SharedInstrument.objects.get(catalogue_ref="YRD-SH-000001").model == "JEOL JEM-ARM300F2"
    page = office.get("/office/instruments/?q=JEOL")
    assert [i.catalogue_ref for i in page.context["page"]] == ["YRD-SH-000001"]


def test_a_bad_instrument_file_imports_nothing(jiangsu):
    response = upload(
        jiangsu,
        instruments_file(instrument_row(catalogue_ref="JS-1", province="320000"), instrument_row()),
        kind="instruments",
    )
    assert "you may import rows of" in response.content.decode()
    assert SharedInstrument.objects.count() == 0


# ---- the commands and the sample files ---------------------------------------------------------


def test_the_sample_files_import_cleanly_through_the_commands(officer, capsys):
    call_command("import_external_records", str(FIXTURES / "external_records_sample.csv"))
    call_command("import_instruments", str(FIXTURES / "shared_instruments_sample.csv"))
    out = capsys.readouterr().out
    assert "external_records_sample.csv: 30 created, 0 updated, 0 unchanged" in out
    assert "shared_instruments_sample.csv: 41 created, 0 updated, 0 unchanged" in out
    assert ExternalRecord.objects.filter(province__isnull=True).exists()
    assert ExternalRecord.objects.filter(institution__isnull=False).count() >= 25
    assert SharedInstrument.objects.filter(institution__isnull=True).count() <= 1
    assert set(ExternalRecord.objects.values_list("province_id", flat=True)) == {
        None,
        "310000",
        "320000",
        "330000",
        "340000",
    }
    assert ExternalRecord.objects.filter(imported_by=officer).count() == 30
    call_command("import_external_records", str(FIXTURES / "external_records_sample.csv"))
    assert "0 created, 0 updated, 30 unchanged" in capsys.readouterr().out


def test_the_commands_print_every_problem_and_import_nothing(reference, officer, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(records_file(record_row(), record_row(reference="B", start_year="soon")))
    with pytest.raises(CommandError) as error:
        call_command("import_external_records", str(path))
    assert "row 3, start_year: “soon” is not a year" in str(error.value)
    assert ExternalRecord.objects.count() == 0
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_instruments", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="no account"):
        call_command("import_instruments", str(path), user="nobody@example.org")


def test_the_commands_need_someone_to_record_the_import_under(reference, tmp_path):
    path = tmp_path / "instruments.csv"
    path.write_bytes(instruments_file())
    with pytest.raises(CommandError, match="use --user"):
        call_command("import_instruments", str(path))
    user = make_user()
    call_command("import_instruments", str(path), user=user.email)
    assert SharedInstrument.objects.count() == 1


def test_the_page_and_its_problems_speak_chinese(office, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = upload(office, records_file(record_row(programme="", province="江苏省")))
    page = response.text
    assert "其他资助方项目" in page and "导入 CSV 文件" in page
    assert "此列必填" in page
    assert "请修改 records.csv 后在下方重新选择" in page
    assert ExternalRecord.objects.count() == 0


def test_an_import_racing_another_imports_nothing_and_says_so(office, monkeypatch):
    from django.db import IntegrityError

    def racing(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(ExternalRecord.objects, "bulk_create", racing)
    response = upload(office, records_file(record_row()))
    assert "Another import added some of these rows" in response.context["form"].errors["file"][0]
    assert ExternalRecord.objects.count() == 0


@pytest.mark.parametrize(
    "path, make_file, row",
    [
        ("/office/external-records/", records_file, lambda n: record_row(reference=f"R{n}")),
        (
            "/office/instruments/",
            instruments_file,
            lambda n: instrument_row(catalogue_ref=f"C{n}", institution=f"Lab {n}"),
        ),
    ],
)
def test_the_lists_run_as_many_queries_for_twenty_rows_as_for_one(office, path, make_file, row):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kind = "records" if "records" in path else "instruments"
    upload(office, make_file(row(0)), kind=kind)
    office.get(path)
    with CaptureQueriesContext(connection) as one:
        office.get(path)
    upload(office, make_file(*[row(n) for n in range(20)]), kind=kind)
    office.get(path)
    with CaptureQueriesContext(connection) as twenty:
        response = office.get(path)
    assert len(response.context["page"]) == 20
    assert len(twenty) == len(one)
