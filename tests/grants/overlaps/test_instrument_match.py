"""An instrument to buy, matched against the shared catalogue."""

from collections import namedtuple

import pytest

from grants.overlaps.instrument_match import matches

Entry = namedtuple("Entry", "name model")
CATALOGUE = [
    Entry("球差校正透射电镜", "Titan Themis"),
    Entry("场发射扫描电子显微镜", "Zeiss Sigma 300"),
    Entry("原子力显微镜", "Bruker Dimension Icon"),
    Entry("核磁共振波谱仪", "Bruker AVANCE NEO 600"),
    Entry("X射线衍射仪", "Rigaku SmartLab"),
    Entry("激光共聚焦显微镜", "Leica SP8"),
    Entry("高分辨质谱仪", "Thermo Orbitrap Exploris 480"),
    Entry("Aberration-corrected transmission electron microscope", "JEOL ARM300F"),
    Entry("流式细胞仪", "BD FACSAria III"),
]


@pytest.mark.parametrize(
    "name, best",
    [
        ("球差校正透射电子显微镜", "球差校正透射电镜"),
        ("扫描电子显微镜", "场发射扫描电子显微镜"),
        ("透射电镜", "球差校正透射电镜"),
        ("核磁共振谱仪 600MHz", "核磁共振波谱仪"),
        ("X射线衍射仪 SmartLab", "X射线衍射仪"),
        ("流式细胞分选仪", "流式细胞仪"),
        (
            "Transmission electron microscope, aberration corrected",
            "Aberration-corrected transmission electron microscope",
        ),
        ("超高效液相色谱仪", None),  # nothing like it in the catalogue
        ("恒温培养箱", None),
        ("", None),
    ],
)
def test_the_best_match(name, best):
    found = matches(name, CATALOGUE)
    assert (found[0][0].name if found else None) == best
    assert [score for _, score in found] == sorted((s for _, s in found), reverse=True)
    assert all(0 <= score <= 1 for _, score in found)


def test_a_transmission_microscope_is_not_a_scanning_one():
    (entry, score), *rest = matches("球差校正透射电子显微镜", CATALOGUE, threshold=0)
    assert entry.name == "球差校正透射电镜" and score > 0.6
    assert all(other < 0.4 for _, other in rest)


def test_the_limit_and_an_empty_catalogue():
    assert len(matches("显微镜", CATALOGUE, limit=2, threshold=0)) == 2
    assert matches("球差校正透射电子显微镜", []) == []


def test_a_named_model_is_a_match_whatever_the_words():
    from types import SimpleNamespace

    from grants.overlaps.instrument_match import matches

    catalogue = [
        SimpleNamespace(name="场发射透射电子显微镜", model="JEM-F200"),
        SimpleNamespace(name="核磁共振波谱仪", model="AVANCE NEO 600"),
    ]
    assert [entry.model for entry, score in matches("购置一台 JEM-F200", catalogue)] == ["JEM-F200"]
    assert matches("购置一台 JEM", catalogue) == []  # too short a model to tell
