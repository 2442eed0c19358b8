from grants.models import AuditEntry


def record(*, actor, action, proposal=None, call=None, before=None, after=None, note=""):
    """Append one entry to the audit log."""
    if call is None and proposal is not None:
        call = proposal.call
    return AuditEntry.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        proposal=proposal,
        call=call,
        before=before,
        after=after,
        note=note,
    )
