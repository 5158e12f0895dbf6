"""Counts and sums shown beside each row of a list, computed for the rows shown only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from compliance.access import where_visible

if TYPE_CHECKING:
    from django.db.models import Expression


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


def counted_where_seen(user, readable: QuerySet, link: str, matching: Q, *fields: str) -> Expression:
    """How many `readable` rows that point at the outer row match `matching`: null when `user` does not see `fields`
    in every readable row pointing at it (another company's status: how many of its items are open is its own)."""
    count = counted(readable.filter(matching), link)
    visible = where_visible(user, readable.model, *fields)
    if visible == Q():
        return count
    unseen = counted(readable.exclude(visible), link)
    return Case(When(GreaterThan(unseen, 0), then=Value(None)), default=count, output_field=IntegerField())
