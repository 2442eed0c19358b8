"""Whether each reviewed proposal is fundable, in a column of its own beside its stored score:
the funding simulation reads it for every ranked proposal of a call."""

from django.db import migrations, models


def fill_review_fundable(apps, schema_editor):
    Proposal = apps.get_model("grants", "Proposal")
    for verdict in (True, False):
        Proposal.objects.filter(review_result__fundable=verdict).update(review_fundable=verdict)


def clear_review_fundable(apps, schema_editor):
    apps.get_model("grants", "Proposal").objects.update(review_fundable=None)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0009_proposal_lists"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="review_fundable",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.RunPython(fill_review_fundable, clear_review_fundable),
    ]
