from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.accounts.permissions import (
    get_office_call,
    get_proposal,
    is_consortium_pi,
    is_fund_officer,
    ledger_provinces_for,
    officer_province_code,
    role_required,
)
from grants.core.errors import WorkflowError
from grants.core.money import AMOUNT_NEGATIVE, AmountError, format_yuan, parse_amount
from grants.core.table_responses import CSV, XLSX, table_response
from grants.funding import (
    decisions,
    draw_presenters,
    ledger_report,
    letters,
    outcomes,
    payments,
)
from grants.funding.ledger_table import ledger_table
from grants.models import Call, CallStatus, Province, Role
from grants.models.decisions import AwardShare, Decision, FundingRound, Outcome, Payment
from grants.models.proposals import ProposalQuerySet
from portal.db_router import reading_from_replica


def _office_call(user, code):
    """The fund office's call, with its pools (every funding page shows them)."""
    call = get_office_call(user, code)
    prefetch_related_objects([call], "contributions__province")
    return call


def _cuts(data):
    """Cuts typed on the simulation page: cut_<proposal id> = percentage."""
    cuts, errors = {}, []
    for name, value in data.items():
        if not name.startswith("cut_") or not value.strip():
            continue
        try:
            cut = parse_amount(value)
        except AmountError as error:
            if error.code == AMOUNT_NEGATIVE:
                errors.append(_("A cut is a percentage from 0 to 100."))
            else:
                errors.append(_("“%(value)s” is not a percentage.") % {"value": value})
            continue
        if cut > Decimal(100):
            errors.append(_("A cut is a percentage from 0 to 100."))
            continue
        if cut:
            cuts[int(name[4:])] = cut
    return cuts, errors


@login_required
@role_required(Role.FUND_OFFICER)
def funding_page(request, code):
    call = _office_call(request.user, code)
    funding_round = FundingRound.objects.filter(call=call).first()
    context = {
        "call": call,
        "funding_round": funding_round,
        "provinces": Province.objects.filter(is_funding=True),
    }
    if funding_round:
        context.update(_committed(funding_round, request.GET.get("page")))
        context["confirmed"] = set(call.confirmations.values_list("province_id", flat=True))
        context["draw_at_line"] = draw_presenters.for_funding_page(call)
        return render(request, "grants/funding/committed.html", context)
    cuts, errors = _cuts(request.GET)
    for error in errors:
        messages.error(request, error)
    try:
        simulation = decisions.simulate_call(call, cuts)
    except WorkflowError as error:
        context["problem"] = error.message
        return render(request, "grants/funding/simulation.html", context)
    rows = _simulation_rows(simulation)
    shown, rest = _shown_rows(rows, request.GET.get("rest"))
    shown_keys = {item["place"].pk for item in shown}
    outcome = simulation.outcome
    context.update(
        simulation=simulation,
        draw_at_line=draw_presenters.for_funding_page(call, outcome),
        # Without cuts and before a draw is held, the page's funding is the plain one.
        draw_refusal=decisions.commit_refusal(call, None if cuts else simulation),
        # Requests and shortfalls carry province codes; the page names them, in one query.
        province_names={province.code: province.name for province in Province.objects.all()},
        outcome_counts=[
            (Outcome.FUNDED.label, len(outcome.funded)),
            (Outcome.RESERVE.label, len(outcome.skipped)),
            (Outcome.BELOW_THRESHOLD.label, len(outcome.below_threshold)),
        ],
        rows=shown,
        rest=rest,
        cuts=cuts,
        hidden_cuts={key: cut for key, cut in cuts.items() if key not in shown_keys},
        query=_query_without(request.GET, "rest"),
    )
    return render(request, "grants/funding/simulation.html", context)


DECISIONS_PAGE_SIZE = 100


def _committed(funding_round, page_number):
    """The committed decisions in ranking order, a hundred a page, and how many of each
    outcome the round holds."""
    decisions_in_round = Decision.objects.filter(round=funding_round)
    counts = dict(decisions_in_round.order_by().values_list("outcome").annotate(n=Count("pk")))
    page = Paginator(
        decisions_in_round.select_related("proposal", "skipped_for")
        .defer(*(f"proposal__{name}" for name in ProposalQuerySet.LIST_DEFERRED))
        .prefetch_related(
            Prefetch("shares", queryset=AwardShare.objects.select_related("province"))
        )
        .order_by("rank", "pk"),
        DECISIONS_PAGE_SIZE,
    ).get_page(page_number)
    return {
        "decisions": page,
        "outcome_counts": [
            (label, counts[value]) for value, label in Outcome.choices if value in counts
        ],
    }


# The first page shows the funded places and this many after them, but never more than
# FIRST_PAGE_LIMIT places: a large call funds thousands, and rendering them all took a second.
# The rest is REST_PAGE_SIZE places a page away, with a link to the page of the funding line.
NEXT_PLACES = 50
FIRST_PAGE_LIMIT = 200
REST_PAGE_SIZE = 200


def _shown_rows(rows, rest_page):
    """The first places, or (with ``rest_page``) a page of the places after them; and the
    links between them (None when everything fits on the first)."""
    funded_places = [item["position"] for item in rows if item["award"]]
    last_funded = max(funded_places) if funded_places else 0
    head = min(last_funded + NEXT_PLACES, FIRST_PAGE_LIMIT)
    if len(rows) <= head:
        return rows, None
    pages = Paginator(rows[head:], REST_PAGE_SIZE)
    funding_line = None
    if last_funded > head:
        funding_line = {
            "place": last_funded,
            "page": (last_funded - head - 1) // REST_PAGE_SIZE + 1,
        }
    if not rest_page:
        return rows[:head], {"next": 1, "next_first": head + 1, "funding_line": funding_line}
    page = pages.get_page(rest_page)
    shown = list(page)
    links = {
        "on_rest_page": True,
        "previous": page.previous_page_number() if page.has_previous() else None,
        "next": page.next_page_number() if page.has_next() else None,
        "next_first": shown[-1]["position"] + 1,
        "first": shown[0]["position"],
        "last": shown[-1]["position"],
        "total": len(rows),
        "funding_line": funding_line,
    }
    return shown, links


def _query_without(data, name):
    query = data.copy()
    query.pop(name, None)
    return query.urlencode()


def _simulation_rows(simulation):
    """One row per ranked proposal, with what the simulation gives it."""
    outcome = simulation.outcome
    funded = {award.proposal: award for award in outcome.funded}
    skipped = {skip.proposal: skip for skip in outcome.skipped}
    not_fundable = outcome.not_fundable_because
    return [
        {
            "position": position,
            "place": place,
            "award": funded.get(place.pk),
            "skip": skipped.get(place.pk),
            "not_fundable_because": not_fundable.get(place.pk),
        }
        for position, place in enumerate(simulation.rows, 1)
    ]


@require_POST
@login_required
@role_required(Role.FUND_OFFICER)
@reauthentication_required
def funding_commit(request, code):
    call = _office_call(request.user, code)
    cuts, errors = _cuts(request.POST)
    if errors:
        for error in errors:
            messages.error(request, error)
        return redirect("funding_page", code=code)
    try:
        decisions.funding_commit(call=call, actor=request.user, cuts=cuts)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Funding committed. The ledger now shows each province's commitments.")
        )
    return redirect("funding_page", code=code)


@require_POST
@login_required
@role_required(Role.PROVINCIAL_OFFICER)
def funding_confirm(request, code):
    call = get_object_or_404(Call, code=code)
    try:
        decisions.province_confirm(
            call=call, actor=request.user, province_code=officer_province_code(request.user)
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your province's share is confirmed."))
    return redirect(f"{_ledger_url()}?call={call.code}")


def _ledger_url():
    return reverse("ledger")


# ---- the ledger -----------------------------------------------------------------------------


def _listed_calls():
    """The calls the ledger can show: every call past its draft, newest first."""
    return list(Call.objects.exclude(status=CallStatus.DRAFT).order_by("-opens_at"))


def _ledger_scope(request, listed):
    """The provinces ``request.user`` reads, the calls their ledger adds up (the one chosen
    among ``listed``, 404 for any other, or all of them) and the chosen call. The calls go to
    the ledger's queries as their ids, not as a subquery each query would compile again."""
    provinces = list(ledger_provinces_for(request.user))
    if not request.GET.get("call"):
        return provinces, listed, None
    selected = next((call for call in listed if call.code == request.GET["call"]), None)
    if selected is None:
        raise Http404
    return provinces, [selected], selected


@login_required
@reading_from_replica()
def ledger_page(request):
    listed = _listed_calls()
    provinces, calls, selected = _ledger_scope(request, listed)
    context = _ledger_context(request, provinces, calls, selected)
    return render(request, "grants/funding/ledger.html", {**context, "calls": listed})


def _ledger_context(request, provinces, calls, selected):
    rows = payments.ledger(calls, provinces)
    schedule = _SchedulePaginator(
        _schedule(calls, provinces), count=sum(row.shares for row in rows)
    ).get_page(request.GET.get("page"))
    funding_round = FundingRound.objects.filter(call=selected).first() if selected else None
    return {
        "rows": rows,
        "charts": [_chart(row) for row in rows],
        "selected": selected,
        "schedule": schedule,
        # The chosen call, kept in the schedule's page links.
        "schedule_query": urlencode({"call": selected.code}) if selected else "",
        "schedule_body": _schedule_body(schedule, provinces),
        "own_province": officer_province_code(request.user),
        "funding_round": funding_round,
        "confirmed": set(selected.confirmations.values_list("province_id", flat=True))
        if selected
        else set(),
        "totals": _totals(rows),
        # The payment run (grants.projects.payment_views) is the fund office's.
        "may_record_payments": bool(funding_round) and is_fund_officer(request.user),
    }


def _totals(rows):
    zero = Decimal("0.00")
    return {
        "contributed": sum((r.contributed for r in rows), zero),
        "committed": sum((r.committed for r in rows), zero),
        "paid": sum((r.paid for r in rows), zero),
        "outstanding": sum((r.outstanding for r in rows), zero),
        "remaining": sum((r.remaining for r in rows), zero),
        "refund_owed": sum((r.refund_owed for r in rows), zero),
        "refunded": sum((r.refunded for r in rows), zero),
    }


def _chart(row, width=180):
    """Bars for the server-rendered SVG chart: contributed, committed and paid, to scale."""
    top = max(row.contributed, row.committed, Decimal(1))
    bars = [
        (_("Contributed"), row.contributed, "#0b3a6e"),
        (_("Committed"), row.committed, "#b3261e"),
        (_("Paid"), row.paid, "#1e6b37"),
    ]
    return {
        "row": row,
        "bars": [
            {
                "label": label,
                "amount": amount,
                "length": int(width * amount / top),
                "colour": colour,
                "y": 4 + 30 * index,
                "text_y": 19 + 30 * index,
            }
            for index, (label, amount, colour) in enumerate(bars)
        ],
    }


SCHEDULE_PAGE_SIZE = 50


class _SchedulePaginator(Paginator):
    """The schedule fifty award shares at a time, counted by the ledger's own totals of the
    same shares instead of by a query of its own."""

    def __init__(self, shares, count):
        super().__init__(shares, SCHEDULE_PAGE_SIZE)
        self.count = count


def _schedule(calls, provinces):
    """Every award share by proposal, as the values its table shows."""
    return (
        payments.award_shares(calls, provinces)
        .order_by("decision__proposal__reference", "province_id")
        .values(
            "pk",
            "province_id",
            "charged",
            "balancing",
            reference=F("decision__proposal__reference"),
        )
    )


def _schedule_body(shares, provinces):
    """The schedule table's rows, written here in one pass: four template variables per award
    share were most of the page's rendering."""
    names = {province.code: province.name for province in provinces}
    instalments = _instalments([share["pk"] for share in shares])
    return format_html_join(
        "",
        '<tr><td><span class="reference">{}</span></td><td>{}</td><td class="num">{}</td>'
        "<td>{}</td></tr>",
        (
            (
                share["reference"],
                names[share["province_id"]],
                format_yuan(share["charged"] + share["balancing"]),
                mark_safe(" · ".join(instalments[share["pk"]])),
            )
            for share in shares
        ),
    )


def _instalments(share_ids):
    """Each share's instalments by year, as HTML: "Y1: ¥1,000.00 ✓"."""
    # Years and amounts come out as digits, commas, points and signs, which escaping leaves as
    # they are: the translated words are escaped once, not every number put into them.
    year, year_labels = _("Y%(year)s"), {}
    part_paid = conditional_escape(_("%(paid)s paid"))
    written = defaultdict(list)
    for share_id, number, amount, paid, paid_in_full in (
        Payment.objects.filter(share__in=share_ids)
        .annotate(paid_in_full=Q(paid_at__isnull=False))
        .values_list("share_id", "year", "amount", "paid", "paid_in_full")
    ):
        if number not in year_labels:
            year_labels[number] = year % {"year": localize(number)}
        if paid_in_full:
            note = " ✓"
        elif paid:
            note = f" ({part_paid % {'paid': format_yuan(paid)}})"
        else:
            note = ""
        written[share_id].append(f"{year_labels[number]}: {format_yuan(amount)}{note}")
    return written


@login_required
@reading_from_replica()
def ledger_csv(request):
    """One row per province for the provinces' finance systems; UTF-8 with BOM for Excel."""
    return table_response(ledger_table(*_ledger_scope(request, _listed_calls())), CSV)


@login_required
@reading_from_replica()
def ledger_xlsx(request):
    return table_response(ledger_table(*_ledger_scope(request, _listed_calls())), XLSX)


@login_required
@reading_from_replica()
def ledger_pdf(request):
    provinces, calls, selected = _ledger_scope(request, _listed_calls())
    rows = tuple(
        ledger_report.LedgerRow(
            province_code=row.province.code,
            province=f"{row.province.name_zh} {row.province.name_en}",
            contributed=row.contributed,
            committed=row.committed,
            paid=row.paid,
            outstanding=row.outstanding,
            remaining=row.remaining,
            refund_owed=row.refund_owed,
            refunded=row.refunded,
            paid_by_year=tuple(
                letters.YearAmount(year, amount) for year, amount in row.paid_by_year.items()
            ),
        )
        for row in payments.ledger(calls, provinces)
    )
    title = f"{selected.title_zh} / {selected.title_en}" if selected else "全部指南 All calls"
    response = HttpResponse(
        ledger_report.build_ledger_report(title, rows, timezone.localdate().isoformat()),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = 'attachment; filename="ledger.pdf"'
    return response


# ---- letters for the consortium ------------------------------------------------------------


@login_required
def decision_letter(request, pk):
    proposal = get_proposal(request.user, pk)
    decision = outcomes.final_decision(proposal)
    if decision is None or not (
        is_consortium_pi(request.user, proposal) or is_fund_officer(request.user)
    ):
        raise Http404
    kind, pdf = outcomes.letter_pdf(proposal)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{proposal.reference}-{kind}.pdf"'
    return response


@login_required
def evaluation_summary(request, pk):
    proposal = get_proposal(request.user, pk)
    decision = outcomes.final_decision(proposal)
    if decision is None:
        raise Http404
    data = outcomes.letter_data(proposal, decision)
    response = HttpResponse(letters.build_evaluation_summary(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{proposal.reference}-evaluation.pdf"'
    return response
