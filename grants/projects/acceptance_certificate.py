"""The final acceptance certificate (结题验收证书) of a project that passed, as a PDF in the
fund's house style (grants.funding.letters: font, letterhead, tables, signature)."""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from grants.funding.letters import _letterhead, _signature, _write
from grants.models import ReportKind
from grants.proposals.pdf import _amount, _field_table, _heading, _para, _table, _widths

CERTIFICATE = "结题验收证书 Final acceptance certificate"


@dataclass(frozen=True)
class CertificateData:
    reference: str
    call_title: str
    title_zh: str
    title_en: str
    lead_pi: str
    lead_institution: str
    members: tuple[tuple[str, str, str], ...]  # (institution, province, PI name)
    runs: str  # "2026-01-01 – 2028-12-31"
    total: Decimal
    accepted_on: str  # already formatted, Asia/Shanghai


def build_certificate(data: CertificateData) -> bytes:
    buffer = io.BytesIO()
    story = [
        *_letterhead(CERTIFICATE),
        _field_table(
            [
                ("编号 Reference", data.reference),
                ("项目指南 Call", data.call_title),
                ("项目名称 Title", f"{data.title_zh}\n{data.title_en}"),
                ("项目负责人 Principal investigator", data.lead_pi),
                ("牵头单位 Lead institution", data.lead_institution),
                ("执行期 Project period", data.runs),
                ("验收日期 Date of acceptance", data.accepted_on),
            ]
        ),
        *_heading("联合体 Consortium"),
        _table(
            [
                ["单位 Institution", "省份 Province", "负责人 PI"],
                *(
                    [_para(i, "cell"), _para(p, "cell"), _para(n, "cell")]
                    for i, p, n in data.members
                ),
            ],
            _widths(0.5, 0.22, 0.28),
        ),
        *_heading("资助金额 Award"),
        _table([["合计 Total", _amount(data.total)]], _widths(0.6, 0.4)),
        *_heading("验收结论 Verdict"),
        _para(
            "经审查，上述项目已完成任务书规定的研究任务，结题验收结论为：通过。"
            "After examination, the project above has completed the work its task book set out; "
            "the verdict of its final acceptance is: passed."
        ),
        _signature(data.accepted_on),
    ]
    _write(buffer, story, data.reference, f"{CERTIFICATE} {data.reference}")
    return buffer.getvalue()


def certificate_for(project) -> bytes:
    """The certificate of ``project``, which passed final acceptance."""
    return build_certificate(certificate_data(project))


def certificate_data(project) -> CertificateData:
    snapshot = project.proposal.snapshot
    members = snapshot["members"]
    lead = next(m for m in members if m["is_lead"])
    final = project.reports.get(kind=ReportKind.FINAL)
    return CertificateData(
        reference=project.proposal.reference,
        call_title=f"{snapshot['call']['title_zh']} / {snapshot['call']['title_en']}",
        title_zh=snapshot["title_zh"],
        title_en=snapshot["title_en"],
        lead_pi=lead["pi_name"],
        lead_institution=f"{lead['institution_zh']} {lead['institution_en']}",
        members=tuple(
            (
                f"{m['institution_zh']} {m['institution_en']}",
                f"{m['province_zh']} {m['province_en']}",
                m["pi_name"],
            )
            for m in members
        ),
        runs=f"{project.starts_on} – {project.ends_on}",
        total=project.decision.total,
        accepted_on=timezone.localdate(final.decided_at).isoformat(),
    )
