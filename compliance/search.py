"""Free-text search in lists: partial words in Japanese and English, compared in Unicode NFKC form.

Both sides are normalised at query time (the query in Python, the column with PostgreSQL's `normalize`),
so a full-width `（株）` or `ＡＢＣ` in the data matches `(株)` or `abc` typed by a person and the other
way round; the stored text is never changed. The match is PostgreSQL's `UPPER(…) LIKE '%…%'`; the
trigram GIN indexes of migration `compliance.0004_search_indexes` are built on exactly that expression.
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Sequence
from functools import reduce

from django.db.models import F, Func, Model, Q, QuerySet, TextField
from django.db.models.lookups import IContains

# More terms than this are ignored: each term adds a condition on every searched field.
MAX_TERMS = 8


class Nfkc(Func):
    """A text column in Unicode normalisation form NFKC (PostgreSQL 13+, UTF-8 database)."""

    function = "NORMALIZE"
    template = "%(function)s(%(expressions)s, NFKC)"
    output_field = TextField()


def nfkc(text: str) -> str:
    """The NFKC form of `text`: full-width letters and digits become ASCII, `㈱` becomes `(株)`."""
    return unicodedata.normalize("NFKC", text)


def search_terms(query: str) -> list[str]:
    """The query's terms in NFKC form, split on any white space (the ideographic space included)."""
    return nfkc(query).split()[:MAX_TERMS]


def _is_many(model: type[Model], path: str) -> bool:
    """True when the field path crosses a relation with many rows per row (which would repeat rows)."""
    for name in path.split("__")[:-1]:
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
    return False


def search_condition(query: str, fields: Sequence[str]) -> Q | None:
    """Rows where every term of `query` appears in at least one of `fields`, or None for an empty query."""
    terms = search_terms(query)
    if not terms:
        return None
    per_term = [reduce(operator.or_, [Q(IContains(Nfkc(F(field)), term)) for field in fields]) for term in terms]
    return reduce(operator.and_, per_term)


def search(queryset: QuerySet, query: str, fields: Sequence[str]) -> QuerySet:
    """`queryset` narrowed to the rows matching `query` in `fields`, each row once."""
    condition = search_condition(query, fields)
    if condition is None:
        return queryset
    model = queryset.model
    if any(_is_many(model, field) for field in fields):
        # Matching through a to-many relation joins many rows: select the keys, keep the list as it was.
        return queryset.filter(pk__in=model._base_manager.filter(condition).values("pk"))
    return queryset.filter(condition)
