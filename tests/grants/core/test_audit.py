import pytest

from grants.core.audit import record
from grants.models import AuditEntry


@pytest.mark.parametrize(
    "attempt",
    [
        lambda entry: entry.save(),
        lambda entry: entry.delete(),
        lambda entry: AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten"),
        lambda entry: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda entry: AuditEntry.objects.all().delete(),
    ],
    ids=["save-again", "delete", "queryset-update", "queryset-delete", "delete-everything"],
)
def test_the_audit_log_is_append_only(db, attempt):
    entry = record(actor=None, action="call.opened", note="first")
    with pytest.raises(ValueError):
        attempt(entry)
    assert AuditEntry.objects.get(pk=entry.pk).action == "call.opened"


def test_the_admin_shows_the_log_but_cannot_change_it(admin_client, db):
    entry = record(actor=None, action="call.opened")
    assert admin_client.get("/admin/grants/auditentry/").status_code == 200
    assert admin_client.get("/admin/grants/auditentry/add/").status_code == 403
    assert (
        admin_client.post(
            f"/admin/grants/auditentry/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
