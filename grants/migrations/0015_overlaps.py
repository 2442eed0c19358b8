# Against repeated investment: external records, the shared instrument catalogue, overlap runs and flags; equipment lines name their instrument.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0014_projects'),
    ]

    operations = [
        migrations.AddField(
            model_name='budgetline',
            name='instrument',
            field=models.CharField(blank=True, max_length=200, verbose_name='instrument to buy'),
        ),
        migrations.AddField(
            model_name='budgetline',
            name='shared_instrument_reason',
            field=models.TextField(blank=True, max_length=1000, validators=[django.core.validators.MaxLengthValidator(1000)], verbose_name='why the shared instrument cannot serve'),
        ),
        migrations.AddField(
            model_name='call',
            name='instrument_threshold',
            field=models.DecimalField(decimal_places=2, default=500000, max_digits=14, verbose_name='equipment line naming its instrument from (yuan)'),
        ),
        migrations.CreateModel(
            name='ExternalRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('programme', models.CharField(max_length=120, verbose_name='programme')),
                ('reference', models.CharField(max_length=60, verbose_name='reference')),
                ('title_zh', models.CharField(blank=True, max_length=300, verbose_name='title (Chinese)')),
                ('title_en', models.CharField(blank=True, max_length=400, verbose_name='title (English)')),
                ('abstract_zh', models.TextField(blank=True, max_length=6000, validators=[django.core.validators.MaxLengthValidator(6000)], verbose_name='abstract (Chinese)')),
                ('abstract_en', models.TextField(blank=True, max_length=6000, validators=[django.core.validators.MaxLengthValidator(6000)], verbose_name='abstract (English)')),
                ('pi_name', models.CharField(max_length=100, verbose_name='PI name')),
                ('pi_orcid', models.CharField(blank=True, max_length=19, verbose_name='PI ORCID iD')),
                ('pi_id_hash', models.CharField(blank=True, max_length=64, verbose_name='PI ID hash')),
                ('institution_name', models.CharField(max_length=200, verbose_name='institution')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount (yuan)')),
                ('start_year', models.PositiveSmallIntegerField(verbose_name='first year')),
                ('end_year', models.PositiveSmallIntegerField(verbose_name='last year')),
                ('imported_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('imported_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.institution')),
                ('province', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.province')),
            ],
            options={
                'verbose_name': 'external funded project',
                'verbose_name_plural': 'external funded projects',
                'ordering': ['programme', 'reference'],
            },
        ),
        migrations.CreateModel(
            name='OverlapRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=8)),
                ('done', models.PositiveIntegerField(default=0)),
                ('total', models.PositiveIntegerField(default=0)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('error', models.CharField(blank=True, max_length=300)),
                ('call', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='overlap_runs', to='grants.call')),
                ('started_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='SharedInstrument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('catalogue_ref', models.CharField(max_length=60, unique=True, verbose_name='catalogue number')),
                ('name', models.CharField(max_length=200, verbose_name='instrument')),
                ('model', models.CharField(blank=True, max_length=200, verbose_name='model')),
                ('institution_name', models.CharField(max_length=200, verbose_name='institution')),
                ('imported_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.institution')),
                ('province', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.province')),
            ],
            options={
                'verbose_name': 'shared instrument',
                'verbose_name_plural': 'shared instruments',
                'ordering': ['province_id', 'name', 'catalogue_ref'],
            },
        ),
        migrations.CreateModel(
            name='OverlapFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('text', 'Same text'), ('person', 'Same person beyond the limits'), ('team', 'Same team'), ('running_project', "PI's running project"), ('instrument', 'Shared instrument')], max_length=16, verbose_name='kind')),
                ('key', models.CharField(max_length=120)),
                ('score', models.DecimalField(decimal_places=3, max_digits=4, verbose_name='score')),
                ('language', models.CharField(blank=True, max_length=2)),
                ('evidence', models.JSONField(blank=True, default=dict)),
                ('status', models.CharField(choices=[('open', 'To screen'), ('cleared', 'Cleared'), ('duplicate', 'Duplicate')], default='open', max_length=10, verbose_name='screening')),
                ('reason', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='reason')),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('found_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('budget_line', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='grants.budgetline')),
                ('call', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='overlap_flags', to='grants.call')),
                ('external_record', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='grants.externalrecord')),
                ('other_proposal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grants.proposal')),
                ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='overlap_flags', to='grants.proposal')),
                ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('instrument', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='flags', to='grants.sharedinstrument')),
            ],
            options={
                'ordering': ['call_id', '-score', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='externalrecord',
            constraint=models.UniqueConstraint(fields=('programme', 'reference'), name='one_external_record_per_reference'),
        ),
        migrations.AddConstraint(
            model_name='externalrecord',
            constraint=models.CheckConstraint(condition=models.Q(('end_year__gte', models.F('start_year'))), name='external_record_years_ordered'),
        ),
        migrations.AddIndex(
            model_name='overlapflag',
            index=models.Index(fields=['call', 'kind', '-score'], name='flag_call_kind_score'),
        ),
        migrations.AddConstraint(
            model_name='overlapflag',
            constraint=models.UniqueConstraint(fields=('proposal', 'key'), name='one_flag_per_pair'),
        ),
        migrations.AddConstraint(
            model_name='overlapflag',
            constraint=models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 1)), name='flag_score_in_unit_range'),
        ),
    ]
