from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from grants.models import Discipline, Institution, Province

REFERENCE = Path(__file__).resolve().parents[3] / "fixtures" / "reference"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_loads_every_reference_table(reference):
    assert Province.objects.count() == 33
    assert set(Province.objects.filter(is_funding=True).values_list("code", flat=True)) == {
        "310000",
        "320000",
        "330000",
        "340000",
    }
    fudan = Institution.objects.get(name_en="Fudan University")
    assert fudan.province_id == "310000"
    f0601 = Discipline.objects.get(code="F0601")
    assert (f0601.parent_id, f0601.parent.parent_id, f0601.depth) == ("F06", "F", 3)


def test_reimport_updates_instead_of_duplicating(reference, tmp_path):
    counts = (Province.objects.count(), Institution.objects.count(), Discipline.objects.count())
    renamed = write(
        tmp_path,
        "institutions.csv",
        "name_zh,name_en,city_en,province_code,kind\n复旦大学,Fudan Univ.,Shanghai,310000,university\n",
    )
    call_command("import_reference", str(renamed), stdout=open("/dev/null", "w"))
    call_command("import_reference", str(REFERENCE), stdout=open("/dev/null", "w"))
    assert (
        Province.objects.count(),
        Institution.objects.count(),
        Discipline.objects.count(),
    ) == counts
    assert Institution.objects.get(name_zh="复旦大学").name_en == "Fudan University"


def test_import_adds_deeper_codes_from_the_official_list(reference, tmp_path):
    extra = write(
        tmp_path,
        "more.csv",
        "code,parent,name_zh,name_en\nF0602,F06,模式识别,Pattern recognition\n"
        "F060201,F0602,视觉识别,Visual recognition\n",
    )
    call_command("import_reference", str(extra), stdout=open("/dev/null", "w"))
    assert Discipline.objects.get(code="F060201").parent.parent_id == "F06"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "i.csv",
            "name_zh,name_en,city_en,province_code,kind\n某大学,Some U,X,999999,university\n",
            "i.csv line 2: province 999999 is unknown",
        ),
        (
            "d.csv",
            "code,parent,name_zh,name_en\nZ0101,Z01,甲,A\n",
            "parent code Z01 of Z0101 is unknown",
        ),
        ("x.csv", "a,b\n1,2\n", "unrecognised columns a, b"),
    ],
    ids=["unknown-province", "unknown-parent", "unknown-format"],
)
def test_bad_files_are_refused_with_the_line(reference, tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(CommandError, match=message):
        call_command("import_reference", str(path), stdout=open("/dev/null", "w"))
