import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from grants.funding import decisions, outcomes
from grants.models import AuditEntry, Call, Payment, Proposal, User
from reviews.models import Review
from tests.reviews.factories import make_panel_call


def snapshot_of_database(call_code):
    call = Call.objects.get(code=call_code)
    return {
        "proposals": sorted(
            Proposal.objects.filter(call=call).values_list("reference", "title_zh", "status")
        ),
        "reviews": sorted(
            (email, json.dumps(scores, sort_keys=True), submitted_at)
            for email, scores, submitted_at in Review.objects.values_list(
                "assignment__reviewer__email", "scores", "submitted_at"
            )
        ),
        "payments": sorted((str(p.amount), p.year) for p in Payment.objects.all()),
        "audit": AuditEntry.objects.filter(call=call).count(),
        "users": sorted(User.objects.values_list("email", "password")),
        "areas": sorted(call.discipline_areas.values_list("code", flat=True)),
    }


@pytest.mark.django_db(transaction=True)
def test_export_and_import_round_trip_a_decided_call_into_an_empty_database(
    reference, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call, proposals, officer = make_panel_call(provincial_confirmation_required=False)
    path = default_storage.save("attachments/narrative-test.pdf", ContentFile(b"%PDF-1.7 test"))
    Proposal.objects.filter(pk=proposals[0].pk).update(narrative_pdf=path)
    decisions.funding_commit(call=call, actor=officer)
    outcomes.call_decide(call=call, actor=officer)
    before = snapshot_of_database(call.code)

    call_command("export_call", call.code, str(tmp_path / "backup"), stdout=open("/dev/null", "w"))
    with pytest.raises(CommandError, match="empty database"):
        call_command("import_call", str(tmp_path / "backup"), stdout=open("/dev/null", "w"))
    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete(path)
    assert not Call.objects.exists()

    call_command("import_call", str(tmp_path / "backup"), stdout=open("/dev/null", "w"))
    assert snapshot_of_database(call.code) == before
    assert default_storage.open(path).read() == b"%PDF-1.7 test"
    restored = Call.objects.get(code=call.code)
    assert restored.status == "decided" and restored.funding_round.final_at
    # New rows after a restore get fresh keys (PostgreSQL's sequences were moved past the restored ones).
    User.objects.create_user(email="after-restore@example.org", password="x-long-pass-2026")
