"""Laws, instruments and structured law references: seeded, and every existing record carried over."""

import compliance.validators
import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


LAWS = [
    {
        "code": "appi",
        "name_ja": "個人情報の保護に関する法律",
        "name_en": "Act on the Protection of Personal Information",
        "short_name_ja": "個人情報保護法",
        "short_name_en": "Act on the Protection of Personal Information",
        "number": "平成15年法律第57号",
        "safeguards_required": True,
        "position": 0,
    },
    {
        "code": "eba",
        "name_ja": "電気事業法",
        "name_en": "Electricity Business Act",
        "short_name_ja": "電気事業法",
        "short_name_en": "Electricity Business Act",
        "number": "昭和39年法律第170号",
        "safeguards_required": False,
        "position": 1,
    },
]
# (law, code, Japanese, English). The personal-data law's codes are the former action kinds, so that every
# action keeps its meaning and the API's and case files' `kind` values stay valid.
INSTRUMENTS = [
    ("appi", "guidance", "指導・助言", "Guidance and advice"),
    ("appi", "recommendation", "勧告", "Recommendation"),
    ("appi", "order", "命令", "Order"),
    ("appi", "report_request", "報告徴収", "Request for reports"),
    ("appi", "on_site_inspection", "立入検査", "On-site inspection"),
    ("appi", "publication", "公表", "Publication"),
    ("appi", "decision", "決定", "Decision"),
    ("eba", "eba-business-improvement-order", "業務改善命令", "Business improvement order"),
    ("eba", "eba-business-improvement-recommendation", "業務改善勧告", "Business improvement recommendation"),
    ("eba", "eba-report-request", "報告徴収", "Request for reports"),
    ("eba", "eba-on-site-inspection", "立入検査", "On-site inspection"),
    ("eba", "eba-opportunity-for-explanation", "弁明の機会の付与", "Granting of an opportunity for explanation"),
    ("eba", "eba-hearing", "聴聞", "Hearing"),
    ("eba", "eba-publication", "公表", "Publication"),
]
PERSONAL_DATA_NAMES = {"", "個人情報の保護に関する法律", "個人情報保護法", "法"}


def laws_as_data(apps, schema_editor):
    """Seed the two laws and their instruments; every reference, action and finding keeps what it said."""
    Law = apps.get_model("cases", "Law")
    Instrument = apps.get_model("cases", "Instrument")
    LawArticle = apps.get_model("cases", "LawArticle")
    LawArticleEvent = apps.get_model("cases", "LawArticleEvent")
    RegulatoryAction = apps.get_model("cases", "RegulatoryAction")
    RegulatoryActionEvent = apps.get_model("cases", "RegulatoryActionEvent")
    Finding = apps.get_model("cases", "Finding")
    Case = apps.get_model("cases", "Case")
    laws = {values["code"]: Law.objects.create(**values) for values in LAWS}
    for position, (law, code, name_ja, name_en) in enumerate(INSTRUMENTS, start=1):
        Instrument.objects.create(law=laws[law], code=code, name_ja=name_ja, name_en=name_en, position=position)
    by_name = {name: laws["appi"] for name in PERSONAL_DATA_NAMES} | {"電気事業法": laws["eba"]}

    def law_named(law_ja, law_en):
        # A law the product had no name for becomes a law of its own, named as its articles named it.
        if law_ja not in by_name:
            code = f"law-{Law.objects.count() + 1}"
            by_name[law_ja] = Law.objects.create(
                code=code, name_ja=law_ja, name_en=law_en, short_name_ja=law_ja, short_name_en=law_en,
                position=Law.objects.count() + 1,
            )
        return by_name[law_ja]

    for article in LawArticle.objects.all():
        article.law = law_named(article.law_ja, article.law_en)
        article.save(update_fields=["law"])
    for event in LawArticleEvent.objects.all():
        event.law_id = law_named(event.law_ja, event.law_en).pk
        event.save(update_fields=["law"])
    instruments = {i.code: i for i in Instrument.objects.all()}
    for action in RegulatoryAction.objects.all():
        action.instrument = instruments[action.kind]
        action.save(update_fields=["instrument"])
    for event in RegulatoryActionEvent.objects.all():
        event.instrument_id = instruments[event.kind].pk
        event.save(update_fields=["instrument"])
    for finding in Finding.objects.all():
        finding.articles.add(finding.article_id)
    for case in Case.objects.all():
        cited = list(
            LawArticle.objects.filter(findings__case=case).values_list("law", flat=True)
        ) + list(LawArticle.objects.filter(actions__case=case).values_list("law", flat=True))
        case.law_id = max(set(cited), key=cited.count) if cited else laws["appi"].pk
        case.save(update_fields=["law"])


IMMEDIATE = migrations.RunSQL("SET CONSTRAINTS ALL IMMEDIATE", migrations.RunSQL.noop)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_authorities'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    # The action history's triggers below also copy `issuer_id`, which 0015_authorities added (required).
    operations = [
        migrations.CreateModel(
            name='Instrument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9][a-z0-9_-]*$', 'Use lower-case letters, digits, hyphens and underscores, starting with a letter or a digit.', code='invalid_code'), compliance.validators.validate_not_reserved], verbose_name='code')),
                ('name_ja', models.CharField(max_length=200, verbose_name='name (Japanese)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
            ],
            options={
                'verbose_name': 'instrument',
                'verbose_name_plural': 'instruments',
                'ordering': ['law_id', 'position', 'code'],
            },
        ),
        migrations.CreateModel(
            name='InstrumentEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('code', models.SlugField(db_index=False, validators=[django.core.validators.RegexValidator('^[a-z0-9][a-z0-9_-]*$', 'Use lower-case letters, digits, hyphens and underscores, starting with a letter or a digit.', code='invalid_code'), compliance.validators.validate_not_reserved], verbose_name='code')),
                ('name_ja', models.CharField(max_length=200, verbose_name='name (Japanese)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Law',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9][a-z0-9_-]*$', 'Use lower-case letters, digits, hyphens and underscores, starting with a letter or a digit.', code='invalid_code'), compliance.validators.validate_not_reserved], verbose_name='code')),
                ('name_ja', models.CharField(max_length=200, verbose_name='name (Japanese)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('short_name_ja', models.CharField(max_length=100, verbose_name='short name (Japanese)')),
                ('short_name_en', models.CharField(blank=True, max_length=100, verbose_name='short name (English)')),
                ('number', models.CharField(blank=True, help_text='e.g. 平成15年法律第57号', max_length=40, verbose_name='law number')),
                ('safeguards_required', models.BooleanField(default=False, help_text='A finding that cites this law names the safeguard types its measures fall under.', verbose_name='findings name safeguard types')),
            ],
            options={
                'verbose_name': 'law',
                'verbose_name_plural': 'laws',
                'ordering': ['position', 'code'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='LawEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('code', models.SlugField(db_index=False, validators=[django.core.validators.RegexValidator('^[a-z0-9][a-z0-9_-]*$', 'Use lower-case letters, digits, hyphens and underscores, starting with a letter or a digit.', code='invalid_code'), compliance.validators.validate_not_reserved], verbose_name='code')),
                ('name_ja', models.CharField(max_length=200, verbose_name='name (Japanese)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('short_name_ja', models.CharField(max_length=100, verbose_name='short name (Japanese)')),
                ('short_name_en', models.CharField(blank=True, max_length=100, verbose_name='short name (English)')),
                ('number', models.CharField(blank=True, help_text='e.g. 平成15年法律第57号', max_length=40, verbose_name='law number')),
                ('safeguards_required', models.BooleanField(default=False, help_text='A finding that cites this law names the safeguard types its measures fall under.', verbose_name='findings name safeguard types')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AlterModelOptions(
            name='lawarticle',
            options={'ordering': ['law_id', 'article', 'branches', models.OrderBy(models.F('paragraph'), nulls_first=True), models.OrderBy(models.F('item'), nulls_first=True), models.OrderBy(models.F('sub_item'), nulls_first=True)], 'verbose_name': 'law reference', 'verbose_name_plural': 'law references'},
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='case',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='case',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='case',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lawarticle',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lawarticle',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lawarticle',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regulatoryaction',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regulatoryaction',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regulatoryaction',
            name='delete_delete',
        ),
        migrations.RemoveConstraint(
            model_name='regulatoryaction',
            name='regulatoryaction_kind_valid',
        ),
        migrations.AddField(
            model_name='finding',
            name='articles',
            field=models.ManyToManyField(blank=True, related_name='findings', to='cases.lawarticle', verbose_name='law references'),
        ),
        migrations.AddField(
            model_name='lawarticle',
            name='branches',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)]), blank=True, default=list, size=None, verbose_name='branch numbers'),
        ),
        migrations.AddField(
            model_name='lawarticle',
            name='item',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='item'),
        ),
        migrations.AddField(
            model_name='lawarticle',
            name='sub_item',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(47)], verbose_name='sub-item'),
        ),
        migrations.AddField(
            model_name='lawarticleevent',
            name='branches',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)]), blank=True, default=list, size=None, verbose_name='branch numbers'),
        ),
        migrations.AddField(
            model_name='lawarticleevent',
            name='item',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='item'),
        ),
        migrations.AddField(
            model_name='lawarticleevent',
            name='sub_item',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(47)], verbose_name='sub-item'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='article',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.lawarticle', verbose_name='law article'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='safeguard_types',
            field=models.ManyToManyField(blank=True, related_name='findings', to='cases.safeguardtype', verbose_name='safeguard types'),
        ),
        migrations.AlterField(
            model_name='lawarticle',
            name='article',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='article'),
        ),
        migrations.AlterField(
            model_name='lawarticle',
            name='paragraph',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='paragraph'),
        ),
        migrations.AlterField(
            model_name='lawarticle',
            name='title_ja',
            field=models.CharField(blank=True, max_length=200, verbose_name='title (Japanese)'),
        ),
        migrations.AlterField(
            model_name='lawarticleevent',
            name='article',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='article'),
        ),
        migrations.AlterField(
            model_name='lawarticleevent',
            name='paragraph',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='paragraph'),
        ),
        migrations.AlterField(
            model_name='lawarticleevent',
            name='title_ja',
            field=models.CharField(blank=True, max_length=200, verbose_name='title (Japanese)'),
        ),
        migrations.AlterField(
            model_name='regulatoryaction',
            name='articles',
            field=models.ManyToManyField(blank=True, related_name='actions', to='cases.lawarticle', verbose_name='law references'),
        ),
        migrations.AlterField(
            model_name='regulatoryaction',
            name='kind',
            field=models.CharField(max_length=16, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='regulatoryactionevent',
            name='kind',
            field=models.CharField(max_length=16, verbose_name='kind'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_caseevent" ("closed_on", "code", "id", "law_id", "opened_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "published", "status", "status_public", "summary_en", "summary_ja", "title_en", "title_ja") VALUES (NEW."closed_on", NEW."code", NEW."id", NEW."law_id", NEW."opened_on", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."published", NEW."status", NEW."status_public", NEW."summary_en", NEW."summary_ja", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='b88975b404e3994fa42f0db0c337c1dae86cfa62', operation='INSERT', pgid='pgtrigger_insert_insert_0b483', table='cases_case', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_caseevent" ("closed_on", "code", "id", "law_id", "opened_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "published", "status", "status_public", "summary_en", "summary_ja", "title_en", "title_ja") VALUES (NEW."closed_on", NEW."code", NEW."id", NEW."law_id", NEW."opened_on", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."published", NEW."status", NEW."status_public", NEW."summary_en", NEW."summary_ja", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='588db25895a58b0edbfcc0a4d7389e3a3a390406', operation='UPDATE', pgid='pgtrigger_update_update_f5146', table='cases_case', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_caseevent" ("closed_on", "code", "id", "law_id", "opened_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "published", "status", "status_public", "summary_en", "summary_ja", "title_en", "title_ja") VALUES (OLD."closed_on", OLD."code", OLD."id", OLD."law_id", OLD."opened_on", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."published", OLD."status", OLD."status_public", OLD."summary_en", OLD."summary_ja", OLD."title_en", OLD."title_ja"); RETURN NULL;', hash='a853a0e8bc044ab795a227625e8ff60c1feb2706', operation='DELETE', pgid='pgtrigger_delete_delete_8d49e', table='cases_case', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lawarticle',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_lawarticleevent" ("article", "branches", "code", "id", "item", "law_en", "law_id", "law_ja", "paragraph", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sub_item", "title_en", "title_ja") VALUES (NEW."article", NEW."branches", NEW."code", NEW."id", NEW."item", NEW."law_en", NEW."law_id", NEW."law_ja", NEW."paragraph", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."sub_item", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='31338f780887d8b3ce7a619ed36ea279c66890ab', operation='INSERT', pgid='pgtrigger_insert_insert_21587', table='cases_lawarticle', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lawarticle',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_lawarticleevent" ("article", "branches", "code", "id", "item", "law_en", "law_id", "law_ja", "paragraph", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sub_item", "title_en", "title_ja") VALUES (NEW."article", NEW."branches", NEW."code", NEW."id", NEW."item", NEW."law_en", NEW."law_id", NEW."law_ja", NEW."paragraph", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."sub_item", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='9d61450d2bab51769c3238639888693c11c08488', operation='UPDATE', pgid='pgtrigger_update_update_41919', table='cases_lawarticle', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lawarticle',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_lawarticleevent" ("article", "branches", "code", "id", "item", "law_en", "law_id", "law_ja", "paragraph", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sub_item", "title_en", "title_ja") VALUES (OLD."article", OLD."branches", OLD."code", OLD."id", OLD."item", OLD."law_en", OLD."law_id", OLD."law_ja", OLD."paragraph", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."sub_item", OLD."title_en", OLD."title_ja"); RETURN NULL;', hash='d1dae273f2f78b1072830af51dd4ef6d081bb958', operation='DELETE', pgid='pgtrigger_delete_delete_b7688', table='cases_lawarticle', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regulatoryaction',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_regulatoryactionevent" ("case_id", "code", "date", "id", "instrument_id", "issuer_id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "source_en", "source_ja", "title_en", "title_ja") VALUES (NEW."case_id", NEW."code", NEW."date", NEW."id", NEW."instrument_id", NEW."issuer_id", NEW."kind", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."position", NEW."source_en", NEW."source_ja", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='9b2520d446b40fa48f7aba0be791b799aeb40e2c', operation='INSERT', pgid='pgtrigger_insert_insert_b2313', table='cases_regulatoryaction', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regulatoryaction',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_regulatoryactionevent" ("case_id", "code", "date", "id", "instrument_id", "issuer_id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "source_en", "source_ja", "title_en", "title_ja") VALUES (NEW."case_id", NEW."code", NEW."date", NEW."id", NEW."instrument_id", NEW."issuer_id", NEW."kind", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."position", NEW."source_en", NEW."source_ja", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='7a90b4295558c7ad7742e04e992ccd641a85537c', operation='UPDATE', pgid='pgtrigger_update_update_b18d5', table='cases_regulatoryaction', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regulatoryaction',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_regulatoryactionevent" ("case_id", "code", "date", "id", "instrument_id", "issuer_id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "source_en", "source_ja", "title_en", "title_ja") VALUES (OLD."case_id", OLD."code", OLD."date", OLD."id", OLD."instrument_id", OLD."issuer_id", OLD."kind", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."position", OLD."source_en", OLD."source_ja", OLD."title_en", OLD."title_ja"); RETURN NULL;', hash='52fa50d45038e421c48517731012fa32656a2bf9', operation='DELETE', pgid='pgtrigger_delete_delete_53cfb', table='cases_regulatoryaction', when='AFTER')),
        ),
        migrations.AddField(
            model_name='regulatoryaction',
            name='instrument',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='cases.instrument', verbose_name='instrument'),
        ),
        migrations.AddField(
            model_name='regulatoryactionevent',
            name='instrument',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.instrument', verbose_name='instrument'),
        ),
        migrations.AddField(
            model_name='instrumentevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='instrumentevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='cases.instrument'),
        ),
        migrations.AddField(
            model_name='instrumentevent',
            name='law',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.law', verbose_name='law'),
        ),
        migrations.AddField(
            model_name='instrument',
            name='law',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='instruments', to='cases.law', verbose_name='law'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='law',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_lawevent" ("code", "id", "name_en", "name_ja", "number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "safeguards_required", "short_name_en", "short_name_ja") VALUES (NEW."code", NEW."id", NEW."name_en", NEW."name_ja", NEW."number", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."position", NEW."safeguards_required", NEW."short_name_en", NEW."short_name_ja"); RETURN NULL;', hash='91e3d0dfd4f15548c31d788059f02c0ffc0c1f37', operation='INSERT', pgid='pgtrigger_insert_insert_81d83', table='cases_law', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='law',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_lawevent" ("code", "id", "name_en", "name_ja", "number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "safeguards_required", "short_name_en", "short_name_ja") VALUES (NEW."code", NEW."id", NEW."name_en", NEW."name_ja", NEW."number", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."position", NEW."safeguards_required", NEW."short_name_en", NEW."short_name_ja"); RETURN NULL;', hash='f049d19ffeb9adf22ce2717f30c0473bf9ff9ea2', operation='UPDATE', pgid='pgtrigger_update_update_fd0f5', table='cases_law', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='law',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_lawevent" ("code", "id", "name_en", "name_ja", "number", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "safeguards_required", "short_name_en", "short_name_ja") VALUES (OLD."code", OLD."id", OLD."name_en", OLD."name_ja", OLD."number", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."position", OLD."safeguards_required", OLD."short_name_en", OLD."short_name_ja"); RETURN NULL;', hash='8de559e007c58a386997fed49944356554c31569', operation='DELETE', pgid='pgtrigger_delete_delete_f8810', table='cases_law', when='AFTER')),
        ),
        migrations.AddField(
            model_name='case',
            name='law',
            field=models.ForeignKey(blank=True, help_text='The law the case is brought under: what 「法第27条」 means in its references.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='cases.law', verbose_name='law'),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='law',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The law the case is brought under: what 「法第27条」 means in its references.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.law', verbose_name='law'),
        ),
        migrations.AddField(
            model_name='lawarticle',
            name='law',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='articles', to='cases.law', verbose_name='law'),
        ),
        migrations.AddField(
            model_name='lawarticleevent',
            name='law',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.law', verbose_name='law'),
        ),
        migrations.AddConstraint(
            model_name='lawarticle',
            constraint=models.CheckConstraint(condition=models.Q(('sub_item__isnull', True), ('item__isnull', False), _connector='OR'), name='lawarticle_sub_item_of_an_item', violation_error_message='A sub-item (イ, ロ…) belongs to an item (号): give the item too.'),
        ),
        migrations.AlterConstraint(
            model_name='lawarticle',
            name='lawarticle_unique_reference',
            constraint=models.UniqueConstraint(fields=('law_ja', 'article', 'paragraph'), name='lawarticle_unique_reference', nulls_distinct=False, violation_error_message='This law reference exists already.'),
        ),
        migrations.AddField(
            model_name='lawevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='lawevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='cases.law'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='instrument',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_instrumentevent" ("code", "id", "law_id", "name_en", "name_ja", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position") VALUES (NEW."code", NEW."id", NEW."law_id", NEW."name_en", NEW."name_ja", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."position"); RETURN NULL;', hash='887671a896ab4bb9187880a1fb086bbf951214fd', operation='INSERT', pgid='pgtrigger_insert_insert_21f6f', table='cases_instrument', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='instrument',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_instrumentevent" ("code", "id", "law_id", "name_en", "name_ja", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position") VALUES (NEW."code", NEW."id", NEW."law_id", NEW."name_en", NEW."name_ja", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."position"); RETURN NULL;', hash='4d5d84c4a4d71e505e1d52b53db6de4f2887776f', operation='UPDATE', pgid='pgtrigger_update_update_abe7b', table='cases_instrument', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='instrument',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_instrumentevent" ("code", "id", "law_id", "name_en", "name_ja", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position") VALUES (OLD."code", OLD."id", OLD."law_id", OLD."name_en", OLD."name_ja", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."position"); RETURN NULL;', hash='47651f2c343a297e917a2b91d8b6d3d7c9a9a5e7', operation='DELETE', pgid='pgtrigger_delete_delete_129e9', table='cases_instrument', when='AFTER')),
        ),
        IMMEDIATE,
        # One way: a branch number, item or sub-item has no place in the former columns.
        migrations.RunPython(laws_as_data),
        IMMEDIATE,
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='finding',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lawarticle',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lawarticle',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lawarticle',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regulatoryaction',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regulatoryaction',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='regulatoryaction',
            name='delete_delete',
        ),
        migrations.RemoveConstraint(
            model_name='lawarticle',
            name='lawarticle_unique_reference',
        ),
        migrations.RemoveField(
            model_name='finding',
            name='article',
        ),
        migrations.RemoveField(
            model_name='findingevent',
            name='article',
        ),
        migrations.RemoveField(
            model_name='lawarticle',
            name='law_en',
        ),
        migrations.RemoveField(
            model_name='lawarticle',
            name='law_ja',
        ),
        migrations.RemoveField(
            model_name='lawarticleevent',
            name='law_en',
        ),
        migrations.RemoveField(
            model_name='lawarticleevent',
            name='law_ja',
        ),
        migrations.RemoveField(
            model_name='regulatoryaction',
            name='kind',
        ),
        migrations.RemoveField(
            model_name='regulatoryactionevent',
            name='kind',
        ),
        migrations.AlterField(
            model_name='lawarticle',
            name='law',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='articles', to='cases.law', verbose_name='law'),
        ),
        migrations.AlterField(
            model_name='lawarticleevent',
            name='law',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.law', verbose_name='law'),
        ),
        migrations.AlterField(
            model_name='regulatoryaction',
            name='instrument',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='cases.instrument', verbose_name='instrument'),
        ),
        migrations.AlterField(
            model_name='regulatoryactionevent',
            name='instrument',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.instrument', verbose_name='instrument'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='finding',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_findingevent" ("case_id", "code", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "side", "text_en", "text_ja") VALUES (NEW."case_id", NEW."code", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."position", NEW."side", NEW."text_en", NEW."text_ja"); RETURN NULL;', hash='8a3310702d6d411f43dd464b57b4141b9375bab7', operation='INSERT', pgid='pgtrigger_insert_insert_06871', table='cases_finding', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='finding',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_findingevent" ("case_id", "code", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "side", "text_en", "text_ja") VALUES (NEW."case_id", NEW."code", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."position", NEW."side", NEW."text_en", NEW."text_ja"); RETURN NULL;', hash='b1636891fa1cd02237f0d8ced9ed9fdb626a5bc5', operation='UPDATE', pgid='pgtrigger_update_update_1bb8a', table='cases_finding', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='finding',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_findingevent" ("case_id", "code", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "side", "text_en", "text_ja") VALUES (OLD."case_id", OLD."code", OLD."id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."position", OLD."side", OLD."text_en", OLD."text_ja"); RETURN NULL;', hash='17dfad7846137930a1cb6c1c1b9a708bb4d0ce7f', operation='DELETE', pgid='pgtrigger_delete_delete_81533', table='cases_finding', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lawarticle',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_lawarticleevent" ("article", "branches", "code", "id", "item", "law_id", "paragraph", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sub_item", "title_en", "title_ja") VALUES (NEW."article", NEW."branches", NEW."code", NEW."id", NEW."item", NEW."law_id", NEW."paragraph", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."sub_item", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='0c6075f10af332909a57af687b711842fc1d1e1f', operation='INSERT', pgid='pgtrigger_insert_insert_21587', table='cases_lawarticle', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lawarticle',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_lawarticleevent" ("article", "branches", "code", "id", "item", "law_id", "paragraph", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sub_item", "title_en", "title_ja") VALUES (NEW."article", NEW."branches", NEW."code", NEW."id", NEW."item", NEW."law_id", NEW."paragraph", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."sub_item", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='26f0919d62255240421895f5cd360f77921de512', operation='UPDATE', pgid='pgtrigger_update_update_41919', table='cases_lawarticle', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lawarticle',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_lawarticleevent" ("article", "branches", "code", "id", "item", "law_id", "paragraph", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sub_item", "title_en", "title_ja") VALUES (OLD."article", OLD."branches", OLD."code", OLD."id", OLD."item", OLD."law_id", OLD."paragraph", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."sub_item", OLD."title_en", OLD."title_ja"); RETURN NULL;', hash='7aea6a9686a2d4a816c3da3e947cae009f94553a', operation='DELETE', pgid='pgtrigger_delete_delete_b7688', table='cases_lawarticle', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regulatoryaction',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_regulatoryactionevent" ("case_id", "code", "date", "id", "instrument_id", "issuer_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "source_en", "source_ja", "title_en", "title_ja") VALUES (NEW."case_id", NEW."code", NEW."date", NEW."id", NEW."instrument_id", NEW."issuer_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."position", NEW."source_en", NEW."source_ja", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='0bb6885f13f3d54faed52ad36c94d105b39073de', operation='INSERT', pgid='pgtrigger_insert_insert_b2313', table='cases_regulatoryaction', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regulatoryaction',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_regulatoryactionevent" ("case_id", "code", "date", "id", "instrument_id", "issuer_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "source_en", "source_ja", "title_en", "title_ja") VALUES (NEW."case_id", NEW."code", NEW."date", NEW."id", NEW."instrument_id", NEW."issuer_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."position", NEW."source_en", NEW."source_ja", NEW."title_en", NEW."title_ja"); RETURN NULL;', hash='44cb0c275eccafa614a1ec52c78a6caff3940b2e', operation='UPDATE', pgid='pgtrigger_update_update_b18d5', table='cases_regulatoryaction', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='regulatoryaction',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_regulatoryactionevent" ("case_id", "code", "date", "id", "instrument_id", "issuer_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "source_en", "source_ja", "title_en", "title_ja") VALUES (OLD."case_id", OLD."code", OLD."date", OLD."id", OLD."instrument_id", OLD."issuer_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."position", OLD."source_en", OLD."source_ja", OLD."title_en", OLD."title_ja"); RETURN NULL;', hash='30f99b0e375ee3818a12ed62b0cee1c073e8b9db', operation='DELETE', pgid='pgtrigger_delete_delete_53cfb', table='cases_regulatoryaction', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='lawarticle',
            constraint=models.UniqueConstraint(fields=('law', 'article', 'branches', 'paragraph', 'item', 'sub_item'), name='lawarticle_unique_reference', nulls_distinct=False, violation_error_message='This law reference exists already.'),
        ),
    ]
