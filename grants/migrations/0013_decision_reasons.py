"""Each decision not funded keeps why: reviews.scoring's reasons for its verdict."""

from django.db import migrations, models

# reviews.scoring.TOO_FEW_REVIEWS: a proposal without a stored result had no submitted review.
TOO_FEW_REVIEWS = "too_few_reviews"


def record_reasons(apps, schema_editor):
    """Decisions committed before the reasons were kept: the proposal's stored verdict says
    why it was not fundable (reviews are closed once funding is committed)."""
    Decision = apps.get_model("grants", "Decision")
    decisions = Decision.objects.filter(outcome="below_threshold").select_related("proposal")
    changed = []
    for decision in decisions.iterator(chunk_size=500):
        result = decision.proposal.review_result
        decision.reasons = list(result.get("reasons", ())) if result else [TOO_FEW_REVIEWS]
        changed.append(decision)
    Decision.objects.bulk_update(changed, ["reasons"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0012_discarded_drafts"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="reasons",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="decision",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("funded", "Funded"),
                    ("reserve", "Reserve list"),
                    ("below_threshold", "Not funded"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(record_reasons, migrations.RunPython.noop),
    ]
