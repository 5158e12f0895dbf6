"""Counts and sums shown beside each row of a list, computed for the rows shown only."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce


def counted(rows: QuerySet, link: str) -> Coalesce:
    """How many of `rows` point at the outer row through `link`.

    A subquery per row shown, where a join with GROUP BY would count every row of the table before a page is cut.
    """
    per_row = rows.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(per_row, output_field=IntegerField()), 0)


def summed(rows: QuerySet, link: str, field: str) -> Coalesce:
    """The sum of `field` over the `rows` that point at the outer row through `link`; 0 when there are none."""
    per_row = rows.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Sum(field)).values("n")
    return Coalesce(Subquery(per_row, output_field=IntegerField()), 0)
