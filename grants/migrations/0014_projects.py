# The post-award life: projects, task books and signatures, disbursements, reports, changes.

import django.core.validators
import django.db.models.deletion
import grants.core.uploads
from django.conf import settings
from django.db import migrations, models


def instalments_paid_in_full(apps, schema_editor):
    """Instalments marked paid before disbursements existed were paid in full."""
    Payment = apps.get_model("grants", "Payment")
    Payment.objects.filter(paid_at__isnull=False).update(paid=models.F("amount"))


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0013_decision_reasons'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChangeRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reallocation', 'Budget reallocation'), ('partner', 'Change of partner'), ('pi', 'Change of PI'), ('extension', 'Extension')], max_length=14, verbose_name='kind')),
                ('details', models.JSONField(default=dict)),
                ('reason', models.TextField(max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='reason')),
                ('status', models.CharField(choices=[('pending', 'Waiting for decision'), ('approved', 'Approved'), ('refused', 'Refused'), ('withdrawn', 'Withdrawn')], default='pending', max_length=10, verbose_name='status')),
                ('requested_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_note', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='note on the decision')),
            ],
            options={
                'ordering': ['project_id', '-requested_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Consent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('agreed', models.BooleanField()),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('decided_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name='Disbursement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount')),
                ('paid_on', models.DateField(verbose_name='paid on')),
                ('voucher', models.CharField(max_length=40, verbose_name='voucher number')),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['instalment_id', 'paid_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ExpertReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('verdict', models.CharField(blank=True, choices=[('passed', 'Passed'), ('failed', 'Not passed'), ('deferred', 'Deferred')], max_length=10, verbose_name='recommendation')),
                ('comments', models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='comments')),
                ('assigned_at', models.DateTimeField(auto_now_add=True)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='Milestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='milestone or deliverable')),
                ('kind', models.CharField(choices=[('report', 'Report'), ('publication', 'Publication'), ('prototype', 'Prototype or device'), ('software', 'Software'), ('data_set', 'Data set'), ('standard', 'Standard'), ('patent', 'Patent'), ('other', 'Other')], default='report', max_length=12, verbose_name='kind')),
                ('due_month', models.PositiveSmallIntegerField(verbose_name='due in project month')),
                ('description', models.TextField(blank=True, max_length=1000, validators=[django.core.validators.MaxLengthValidator(1000)], verbose_name='description')),
            ],
            options={
                'ordering': ['project_id', 'due_month', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='MilestoneProgress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('done', 'Achieved'), ('on_track', 'On track'), ('late', 'Late'), ('dropped', 'Dropped')], max_length=10, verbose_name='state')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
            ],
        ),
        migrations.CreateModel(
            name='Output',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('paper', 'Paper'), ('patent', 'Patent'), ('software', 'Software'), ('data_set', 'Data set'), ('standard', 'Standard'), ('talent', 'Talent trained'), ('joint_paper', 'Joint paper across provinces'), ('shared_instrument', 'Shared instrument used'), ('staff_exchange', 'Staff exchange'), ('licence', 'Licence'), ('trial', 'Use first, transfer later trial'), ('contract', 'Contract income')], max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=300, verbose_name='title or description')),
                ('identifier', models.CharField(blank=True, max_length=200, verbose_name='identifier (DOI, patent number, URL)')),
                ('partner', models.CharField(blank=True, max_length=200, verbose_name='enterprise or partner')),
                ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='amount (yuan)')),
            ],
            options={
                'ordering': ['report_id', 'kind', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Project',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('drafting', 'Task book being drafted'), ('signing', 'Task book out for signature'), ('running', 'Running'), ('suspended', 'Suspended'), ('completed', 'Completed'), ('not_accepted', 'Not accepted'), ('terminated', 'Terminated')], default='drafting', max_length=16, verbose_name='status')),
                ('duration_months', models.PositiveSmallIntegerField(verbose_name='duration (months)')),
                ('starts_on', models.DateField(blank=True, null=True, verbose_name='start')),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='end')),
                ('task_book_version', models.PositiveSmallIntegerField(default=1)),
                ('ended_reason', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='reason for suspension or termination')),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('version', models.PositiveIntegerField(default=1)),
            ],
            options={
                'verbose_name': 'project',
                'verbose_name_plural': 'projects',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ProjectBudgetLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('equipment', 'Equipment'), ('operations', 'Operations'), ('personnel', 'Personnel'), ('indirect', 'Indirect costs')], max_length=12)),
                ('year', models.PositiveSmallIntegerField()),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
            ],
            options={
                'ordering': ['project_id', 'member_id', 'year', 'category'],
            },
        ),
        migrations.CreateModel(
            name='Refund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
                ('repaid_on', models.DateField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='Report',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('annual', 'Annual progress report'), ('final', 'Final report')], max_length=8, verbose_name='kind')),
                ('year', models.PositiveSmallIntegerField(verbose_name='project year')),
                ('due_on', models.DateField(verbose_name='due on')),
                ('status', models.CharField(choices=[('due', 'Due'), ('submitted', 'Submitted'), ('returned', 'Returned for revision'), ('in_review', 'In expert review'), ('accepted', 'Accepted')], default='due', max_length=10, verbose_name='status')),
                ('progress', models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='progress against the milestones')),
                ('collaboration', models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='cross-province collaboration')),
                ('transfer', models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='industrial transfer')),
                ('attachment', models.FileField(blank=True, upload_to=grants.core.uploads.attachment_path, verbose_name='attachment (PDF)')),
                ('attachment_name', models.CharField(blank=True, max_length=120)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('return_reason', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='reason for returning')),
                ('verdict', models.CharField(blank=True, choices=[('passed', 'Passed'), ('failed', 'Not passed'), ('deferred', 'Deferred')], max_length=10, verbose_name='final acceptance')),
                ('reminders_sent', models.JSONField(blank=True, default=list)),
                ('version', models.PositiveIntegerField(default=1)),
            ],
            options={
                'ordering': ['project_id', 'due_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Signature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('signed_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['task_book_id', 'signed_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Spending',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('equipment', 'Equipment'), ('operations', 'Operations'), ('personnel', 'Personnel'), ('indirect', 'Indirect costs')], max_length=12)),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14)),
            ],
        ),
        migrations.CreateModel(
            name='TaskBook',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('issued_at', models.DateTimeField(auto_now_add=True)),
                ('contents', models.JSONField()),
            ],
            options={
                'ordering': ['project_id', 'number'],
            },
        ),
        migrations.AddField(
            model_name='payment',
            name='paid',
            field=models.DecimalField(decimal_places=2, default=0, max_digits=14),
        ),
        migrations.RunPython(instalments_paid_in_full, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.CheckConstraint(condition=models.Q(('paid__gte', 0), ('paid__lte', models.F('amount'))), name='payment_not_overpaid'),
        ),
        migrations.AddField(
            model_name='changerequest',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='changerequest',
            name='requested_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='consent',
            name='change',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='grants.changerequest'),
        ),
        migrations.AddField(
            model_name='consent',
            name='decided_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='consent',
            name='province',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.province'),
        ),
        migrations.AddField(
            model_name='disbursement',
            name='instalment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disbursements', to='grants.payment'),
        ),
        migrations.AddField(
            model_name='disbursement',
            name='province',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.province'),
        ),
        migrations.AddField(
            model_name='disbursement',
            name='recorded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='expertreview',
            name='reviewer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='milestone',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.consortiummember', verbose_name='responsible member'),
        ),
        migrations.AddField(
            model_name='milestoneprogress',
            name='milestone',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.milestone'),
        ),
        migrations.AddField(
            model_name='output',
            name='members',
            field=models.ManyToManyField(blank=True, related_name='+', to='grants.consortiummember'),
        ),
        migrations.AddField(
            model_name='project',
            name='decision',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='project', to='grants.decision'),
        ),
        migrations.AddField(
            model_name='project',
            name='proposal',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='project', to='grants.proposal'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='grants.project'),
        ),
        migrations.AddField(
            model_name='changerequest',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='changes', to='grants.project'),
        ),
        migrations.AddField(
            model_name='projectbudgetline',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.consortiummember'),
        ),
        migrations.AddField(
            model_name='projectbudgetline',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='budget_lines', to='grants.project'),
        ),
        migrations.AddField(
            model_name='refund',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='grants.project'),
        ),
        migrations.AddField(
            model_name='refund',
            name='province',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.province'),
        ),
        migrations.AddField(
            model_name='report',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='report',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='grants.project'),
        ),
        migrations.AddField(
            model_name='report',
            name='submitted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='output',
            name='report',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outputs', to='grants.report'),
        ),
        migrations.AddField(
            model_name='milestoneprogress',
            name='report',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestone_progress', to='grants.report'),
        ),
        migrations.AddField(
            model_name='expertreview',
            name='report',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='expert_reviews', to='grants.report'),
        ),
        migrations.AddField(
            model_name='signature',
            name='member',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.consortiummember'),
        ),
        migrations.AddField(
            model_name='signature',
            name='province',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.province'),
        ),
        migrations.AddField(
            model_name='signature',
            name='signed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='spending',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.consortiummember'),
        ),
        migrations.AddField(
            model_name='spending',
            name='report',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='spending', to='grants.report'),
        ),
        migrations.AddField(
            model_name='taskbook',
            name='change',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.changerequest'),
        ),
        migrations.AddField(
            model_name='taskbook',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='task_books', to='grants.project'),
        ),
        migrations.AddField(
            model_name='signature',
            name='task_book',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='grants.taskbook'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.UniqueConstraint(fields=('change', 'province'), name='one_consent_per_province'),
        ),
        migrations.AddConstraint(
            model_name='disbursement',
            constraint=models.UniqueConstraint(fields=('province', 'voucher'), name='one_voucher_per_province'),
        ),
        migrations.AddConstraint(
            model_name='disbursement',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='disbursement_positive'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(('due_month__gte', 1)), name='milestone_month_from_1'),
        ),
        migrations.AddConstraint(
            model_name='projectbudgetline',
            constraint=models.UniqueConstraint(fields=('project', 'member', 'category', 'year'), name='one_award_line_per_cell'),
        ),
        migrations.AddConstraint(
            model_name='projectbudgetline',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='award_line_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.UniqueConstraint(fields=('project', 'province'), name='one_refund_per_province'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='refund_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(fields=('project', 'kind', 'year'), name='one_report_per_kind_and_year'),
        ),
        migrations.AddConstraint(
            model_name='milestoneprogress',
            constraint=models.UniqueConstraint(fields=('report', 'milestone'), name='one_progress_per_milestone'),
        ),
        migrations.AddConstraint(
            model_name='expertreview',
            constraint=models.UniqueConstraint(fields=('report', 'reviewer'), name='one_expert_review_each'),
        ),
        migrations.AddConstraint(
            model_name='spending',
            constraint=models.UniqueConstraint(fields=('report', 'member', 'category'), name='one_spending_per_cell'),
        ),
        migrations.AddConstraint(
            model_name='spending',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='spending_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='taskbook',
            constraint=models.UniqueConstraint(fields=('project', 'number'), name='one_task_book_per_number'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('member__isnull', False), ('province__isnull', True)), models.Q(('member__isnull', True), ('province__isnull', False)), _connector='OR'), name='signature_member_or_province'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.UniqueConstraint(condition=models.Q(('member__isnull', False)), fields=('task_book', 'member'), name='one_signature_per_member'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.UniqueConstraint(condition=models.Q(('province__isnull', False)), fields=('task_book', 'province'), name='one_signature_per_province'),
        ),
    ]
