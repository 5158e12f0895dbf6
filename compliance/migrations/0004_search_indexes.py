"""Trigram indexes for the list pages' search (compliance/search.py): partial words, Japanese included.

The search compares `UPPER(NORMALIZE(column, NFKC))` with `LIKE '%…%'`; each index is built on that very
expression, so PostgreSQL can answer the search from the index. The indexes on other apps' tables are
created here with SQL so that those apps' models and migrations stay as they are.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SEARCHED_COLUMNS = [
    ("compliance_company", "name_ja"),
    ("compliance_company", "name_en"),
    ("cases_finding", "text_ja"),
    ("cases_finding", "text_en"),
    ("cases_incident", "summary_ja"),
    ("cases_incident", "fix_ja"),
    ("remediation_measure", "text_ja"),
    ("remediation_measure", "text_en"),
    ("remediation_progressupdate", "narrative"),
    ("remediation_deadlinechange", "reason"),
]


def index_name(table: str, column: str) -> str:
    return f"search_{table}_{column}_trgm"[:63]


class Migration(migrations.Migration):

    dependencies = [
        ("compliance", "0003_calendar_feed"),
        ("cases", "0003_reporting_duties"),
        ("remediation", "0004_digest_times"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(
            sql=[
                f'CREATE INDEX IF NOT EXISTS "{index_name(table, column)}" ON "{table}" '
                f'USING gin (UPPER(NORMALIZE("{column}", NFKC)) gin_trgm_ops)'
                for table, column in SEARCHED_COLUMNS
            ],
            reverse_sql=[f'DROP INDEX IF EXISTS "{index_name(table, column)}"' for table, column in SEARCHED_COLUMNS],
        ),
    ]
