"""The change history as one table: a view over the event table of every tracked model.

django-pghistory's triggers write each change of a tracked model to that model's own event table. The view
`compliance_change_feed` puts them side by side, and each event table has an index on its time, so that a
page of the newest changes is read from the head of each index (a merge of the tables, not a sort of every
change ever made). The view is made again after every migration, from the event tables that exist then.
"""

from __future__ import annotations

from django.db import connection, connections, models
from django.utils.translation import gettext_lazy as _

FEED_VIEW = "compliance_change_feed"


class ChangeEvent(models.Model):
    """One recorded change of one record: when, which record, its fields after the change and before it."""

    pgh_slug = models.TextField(primary_key=True)  # "<event model>:<event id>"
    pgh_id = models.IntegerField()
    pgh_created_at = models.DateTimeField(_("at"))
    pgh_label = models.TextField(_("event"))
    pgh_model = models.TextField()
    pgh_obj_model = models.TextField(_("record type"))
    pgh_obj_id = models.BigIntegerField(_("record"), null=True)
    pgh_context = models.ForeignKey(
        "pghistory.Context", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    current = models.JSONField()
    previous = models.JSONField(null=True)

    class Meta:
        managed = False
        db_table = FEED_VIEW
        ordering = ["-pgh_created_at", "-pgh_id"]
        verbose_name = _("change")
        verbose_name_plural = _("change history")

    def __str__(self) -> str:
        return self.pgh_slug

    @property
    def pgh_data(self) -> dict:
        """The record's fields after the change."""
        return {key: value for key, value in self.current.items() if not key.startswith("pgh_")}

    @property
    def pgh_diff(self) -> dict | None:
        """Each field the change altered, as [before, after]; None for the record's first event."""
        if self.previous is None:
            return None
        return {
            key: [self.previous.get(key), value]
            for key, value in self.pgh_data.items()
            if key in self.previous and self.previous[key] != value
        }


def _event_select(event_model: type[models.Model]) -> str:
    """One event table as rows of the view; the newest event before each one is its `previous`."""
    table = connection.ops.quote_name(event_model._meta.db_table)
    label, tracked = event_model._meta.label, event_model.pgh_tracked_model._meta.label
    return f"""
        SELECT '{label}:' || e.pgh_id AS pgh_slug, e.pgh_id, e.pgh_created_at, e.pgh_label,
               '{label}'::text AS pgh_model, '{tracked}'::text AS pgh_obj_model, e.pgh_obj_id::bigint AS pgh_obj_id,
               e.pgh_context_id, to_jsonb(e) AS current,
               (SELECT to_jsonb(p) FROM {table} p WHERE p.pgh_obj_id = e.pgh_obj_id AND p.pgh_id < e.pgh_id
                ORDER BY p.pgh_id DESC LIMIT 1) AS previous
        FROM {table} e"""  # nosec B608  # noqa: S608 (table names and labels of the product's own models)


def install_change_feed(event_models: list[type[models.Model]], using: str = "default") -> None:
    """(Re)make the view over `event_models`, and two indexes on each of their tables: on time, for the pages of the
    newest changes, and on the record and event, for each event's `previous` (without it, PostgreSQL walks back
    through every newer event of the table to find one record's)."""
    with connections[using].cursor() as cursor:
        for event_model in event_models:
            table = event_model._meta.db_table
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{table}_at" ON "{table}" (pgh_created_at, pgh_id)')
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{table}_record" ON "{table}" (pgh_obj_id, pgh_id)')
        union = "\nUNION ALL".join(_event_select(model) for model in event_models)
        cursor.execute(f"DROP VIEW IF EXISTS {FEED_VIEW}")
        cursor.execute(f"CREATE VIEW {FEED_VIEW} AS {union}")
