"""The office's proposal lists: a provincial officer's scope and the sort by total requested,
each read from an index."""

from django.db import migrations, models

# The sort by total, largest first, puts proposals without a total last (filters.py:
# StoredOrderingFilter) and breaks ties by reference and id. Only an index in that order lets
# PostgreSQL walk the page's rows instead of sorting the call; SQLite takes no NULLS LAST in an
# index, so the index is PostgreSQL's alone and not in the model's Meta.
TOTAL_ORDER_INDEX = "proposal_call_total_desc"


def index_total_order(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {TOTAL_ORDER_INDEX} ON grants_proposal "
            "(call_id, requested_total DESC NULLS LAST, reference, id)"
        )


def drop_total_order_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TOTAL_ORDER_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0022_publications"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="consortiummember",
            index=models.Index(
                fields=["institution", "status", "proposal"], name="member_institution_status"
            ),
        ),
        migrations.RunPython(index_total_order, drop_total_order_index),
    ]
