"""A call's review criteria: the ones reviews are scored against (the fund's four defaults for
a call that sets none), and the office's editing of them while the call is a draft."""

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from grants.core.audit import record
from grants.core.errors import WorkflowError
from grants.models import Call, CallStatus
from reviews import scoring
from reviews.models import Criterion

DEFAULT_CRITERIA = [
    ("excellence", "科学价值与创新性", "Excellence", Decimal("0.30")),
    ("impact", "影响与产业意义", "Impact", Decimal("0.30")),
    ("implementation", "可行性与实施", "Implementation", Decimal("0.20")),
    ("collaboration", "跨省协同与团队", "Collaboration across provinces", Decimal("0.20")),
]


def criteria_for(call):
    """The call's criteria; a call without any gets the fund's four defaults."""
    criteria = list(call.criteria.all())
    if criteria:
        return criteria
    with transaction.atomic():
        for order, (key, zh, en, weight) in enumerate(DEFAULT_CRITERIA):
            Criterion.objects.get_or_create(
                call=call,
                key=key,
                defaults={"name_zh": zh, "name_en": en, "weight": weight, "order": order},
            )
    return list(call.criteria.all())


def plain_criteria(criteria):
    return tuple(scoring.Criterion(c.key, c.weight, c.threshold) for c in criteria)


# ---- editing --------------------------------------------------------------------------------

CRITERION_KEY_LENGTH = 30  # Criterion.key's max_length


def criterion_key(name_en, taken):
    """A key for a new criterion, from its English name, that no key in ``taken`` has."""
    base = slugify(name_en).replace("-", "_")[:CRITERION_KEY_LENGTH].strip("_") or "criterion"
    key, number = base, 2
    while key in taken:
        suffix = f"_{number}"
        key = base[: CRITERION_KEY_LENGTH - len(suffix)].rstrip("_") + suffix
        number += 1
    return key


def _criterion_state(criterion):
    return {
        "key": criterion.key,
        "name_zh": criterion.name_zh,
        "name_en": criterion.name_en,
        "weight": str(criterion.weight),
        "threshold": str(criterion.threshold),
    }


def _check_criterion_row(row):
    if not row["weight"] > 0:
        raise WorkflowError(_("A criterion's weight must be above 0."), code="weight")
    if scoring.validate_score(row["threshold"]):
        raise WorkflowError(
            _("A criterion's threshold goes from 0 to 5 in half points."), code="threshold"
        )


@transaction.atomic
def criteria_save(*, call, actor, rows, removed=()):
    """Set a draft call's criteria: ``rows`` in their new order, each a dict of name_zh,
    name_en, weight, threshold and the key of the criterion it edits (empty for a new one,
    whose key comes from its English name); ``removed`` the keys to delete.

    Once the call opens its criteria are frozen with every other rule: reviews are scored
    against them. A criterion that someone else added or removed since the page was opened
    refuses the save instead of being silently undone."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.DRAFT:
        raise WorkflowError(
            _("The call has opened: its criteria can no longer change."), code="frozen"
        )
    if not rows:
        raise WorkflowError(_("A call needs at least one criterion."), code="empty")
    existing = {c.key: c for c in call.criteria.all()}
    kept = [row["key"] for row in rows if row.get("key")]
    named = [*kept, *removed]
    if len(set(named)) != len(named) or set(named) != set(existing):
        raise WorkflowError(
            _(
                "The criteria were changed by someone else since this page was opened. "
                "Reload the page and make your changes again."
            ),
            code="stale",
        )
    for row in rows:
        _check_criterion_row(row)
    before = [_criterion_state(c) for c in existing.values()]
    Criterion.objects.filter(call=call, key__in=removed).delete()
    taken = set(kept)
    saved = []
    for order, row in enumerate(rows):
        criterion = existing.get(row.get("key")) or Criterion(
            call=call, key=criterion_key(row["name_en"], taken)
        )
        taken.add(criterion.key)
        for field in ("name_zh", "name_en", "weight", "threshold"):
            setattr(criterion, field, row[field])
        criterion.order = order
        criterion.full_clean()
        criterion.save()
        saved.append(criterion)
    after = [_criterion_state(c) for c in saved]
    if after != before:
        record(
            actor=actor,
            action="call.criteria_updated",
            call=call,
            before={"criteria": before},
            after={"criteria": after},
        )
    return saved
