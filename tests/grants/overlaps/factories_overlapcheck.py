"""Submitted proposals with believable texts, for the overlap check's tests."""

from tests.factories import make_proposal, make_user
from tests.grants.overlaps.corpus_abstracts_en import ABSTRACTS_EN
from tests.grants.overlaps.corpus_abstracts_zh import ABSTRACTS_ZH


def texts(index, **overrides):
    """The fields of abstract ``index`` of the labelled corpora, sections of their own."""
    _, title_zh, abstract_zh = ABSTRACTS_ZH[index]
    _, title_en, abstract_en = ABSTRACTS_EN[index]
    fields = {
        "title_zh": title_zh,
        "title_en": title_en,
        "abstract_zh": abstract_zh,
        "abstract_en": abstract_en,
        "section_rationale": f"Rationale of {title_en}.",
        "section_basis": f"{title_zh}的研究基础。",
        "section_other": "无。",
    }
    fields.update(overrides)
    return fields


def submitted(call, index, *, lead=None, partner=None, **overrides):
    """A submitted proposal of ``call`` (Fudan leading, Zhejiang University partner) written
    with abstract ``index``."""
    lead = lead or make_user(institution="复旦大学")
    partner = partner or make_user(institution="浙江大学")
    return make_proposal(call, lead, partners=[partner], submit=True, **texts(index, **overrides))
