"""Overlap flags and runs for the screening tests, in the evidence shapes that
grants.overlaps.screening documents."""

from decimal import Decimal

from grants.models import OverlapFlag, OverlapKind, OverlapRun, Province, SharedInstrument

TEXT_A = "本项目研究长江三角洲湿地碳汇的时空格局。We map the wetland carbon sink."
TEXT_B = "前人工作：本项目研究长江三角洲湿地碳汇的时空格局，并建立模型。"
# "本项目研究长江三角洲湿地碳汇的时空格局" is shared: TEXT_A[0:19], TEXT_B[5:24].
SHARED = "本项目研究长江三角洲湿地碳汇的时空格局"


def make_flag(proposal, *, kind=OverlapKind.TEXT, other=None, score="0.900", key=None, **extra):
    """A flag on ``proposal`` (against ``other``, a proposal, when given)."""
    evidence = extra.pop("evidence", None)
    if evidence is None and kind == OverlapKind.TEXT:
        start_b = TEXT_B.index(SHARED)
        evidence = {
            "text_a": TEXT_A,
            "text_b": TEXT_B,
            "spans": [[0, len(SHARED), start_b, start_b + len(SHARED)]],
        }
    return OverlapFlag.objects.create(
        call=proposal.call,
        proposal=proposal,
        kind=kind,
        key=key or f"{kind}:zh:proposal:{other.pk if other else 0}:{OverlapFlag.objects.count()}",
        other_proposal=other,
        score=Decimal(score),
        language="zh" if kind == OverlapKind.TEXT else "",
        evidence=evidence or {},
        **extra,
    )


def make_run(call, actor, **fields):
    return OverlapRun.objects.create(call=call, started_by=actor, **fields)


def make_instrument(
    name="场发射透射电子显微镜", model="JEM-F200", ref="SH-0001", province="310000"
):
    return SharedInstrument.objects.create(
        catalogue_ref=ref,
        name=name,
        model=model,
        institution_name="复旦大学",
        province=Province.objects.get(code=province),
    )
