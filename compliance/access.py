"""Who may see what: the one scoping rule every page, endpoint, export and the admin start from.

Rows: published content is readable by every signed-in person. A private record belongs to one company and
is visible to that company's officers and to the regulator's staff, and to nobody else: a sister
company of the same group is another company.

Fields (the wall inside a record), by the classes of `compliance.visibility`:

- regulator staff see every field of every record;
- an officer sees every field of a record of their own company: one of its implementations, an incident of its
  pair, its private records;
- of a record of another company, an officer sees the PUBLIC fields, and the INTERNAL ones the public portal
  shows for it (`visibility.PUBLISHED_WITH_CASE_STATUS`: an implementation's status and dates, once the regulator
  has published the case's current status); nothing RESTRICTED;
- of a record of no company (a case, a link between cases), every field but the RESTRICTED ones.

A value computed from fields (`visibility.DERIVED`: slippage, the standing of reporting) is hidden wherever one
of them is. `visible_to` applies the rule to every record it loads: a hidden field reads as None and the record
names it in `hidden_fields`, so that pages, exports, the API and the calendar show nothing of it. Filters and
orderings on a field apply to the rows where the person sees it only (`where_visible`, `as_seen_by`): another
company's hidden value never decides whether a row matches, nor where it sorts. Values read with `.values()`
are not masked: a selector that counts or groups by a field reads it through `as_seen_by`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _

from compliance.choices import Role
from compliance.loading import QuickLoad
from compliance.visibility import DERIVED, FIELDS, PUBLISHED_WITH_CASE_STATUS, Visibility

if TYPE_CHECKING:
    # The person's model (compliance.models.User) builds on this module, so the hints name its Django base.
    from django.contrib.auth.base_user import AbstractBaseUser as User
    from django.contrib.auth.models import AnonymousUser

REGULATOR_ROLES = frozenset({Role.REGULATOR_ADMIN, Role.REGULATOR_STAFF})
NOTHING = Q(pk__in=[])


def is_signed_in(user: User | AnonymousUser | None) -> bool:
    """True for an active, authenticated person."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_regulator(user: User | AnonymousUser | None) -> bool:
    """Regulator staff and administrators: they see every company's private records."""
    return is_signed_in(user) and (user.role in REGULATOR_ROLES or user.is_superuser)


def is_regulator_admin(user: User | AnonymousUser | None) -> bool:
    """Regulator administrators: they manage people, roles and companies."""
    return is_signed_in(user) and (user.role == Role.REGULATOR_ADMIN or user.is_superuser)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which of its rows, and which fields of them, a person may see."""

    def visible_to(self, user: User | AnonymousUser | None) -> ScopedQuerySet:
        """The rows `user` may see (none when signed out, all for the regulator, else the model's rule), each
        loaded with the fields the person may not see hidden."""
        if not is_signed_in(user):
            return self.none()
        if is_regulator(user):
            return self.all()
        rows = self.filter(self.model.visibility_filter(company_id=user.company_id))
        return behind_the_wall(rows, company_id=user.company_id)


class Scoped(QuickLoad):
    """A model whose rows are read through `visible_to`; by default every row is published content."""

    objects = ScopedQuerySet.as_manager()

    # True when some rows are private (then `is_private_record` tells which, and reads of them are logged).
    has_private_records: ClassVar[bool] = False
    # False when an officer reads only rows of their own company (no field of them is hidden from them).
    read_by_other_companies: ClassVar[bool] = True
    # The fields hidden from the person the record was read for (they read as None): see the module's rule.
    hidden_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # A record read with fields hidden holds None in their place: saving it would erase them.
        if self.hidden_fields:
            raise ValueError(f"{self._meta.label} {self.pk} was read with fields hidden: read it again to change it")
        super().save(*args, **kwargs)

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        """The rows a non-regulator of company `company_id` may see: all of them, for published content."""
        return Q()

    @classmethod
    def concern_filter(cls, *, company_id: int | None) -> Q | None:
        """The rows that are company `company_id`'s own (its officers see their INTERNAL fields); None when no
        row belongs to a company."""
        return None

    def is_private_record(self) -> bool:
        """True when this row is private to a company (or to the regulator alone)."""
        return False

    @property
    def owning_company_id(self) -> int | None:
        """The company a private row belongs to, or None."""
        return None


class RegulatorOnly(Scoped):
    """Records only the regulator reads: the access log and its analysis."""

    has_private_records = True
    read_by_other_companies = False

    class Meta:
        abstract = True

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        return NOTHING

    def is_private_record(self) -> bool:
        return True


class CompanyPrivate(Scoped):
    """A record private to one company: seen by its officers and by the regulator only."""

    has_private_records = True
    read_by_other_companies = False
    company = models.ForeignKey(
        "compliance.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_records",
    )

    class Meta:
        abstract = True

    @classmethod
    def visibility_filter(cls, *, company_id: int | None) -> Q:
        return Q(company_id=company_id) if company_id else NOTHING

    @classmethod
    def concern_filter(cls, *, company_id: int | None) -> Q | None:
        return cls.visibility_filter(company_id=company_id)

    def is_private_record(self) -> bool:
        return True

    @property
    def owning_company_id(self) -> int | None:
        return self.company_id


# The field wall ------------------------------------------------------------------------------------------------

# How a record stands to the person reading it, which decides the fields they see.
OWN, PUBLISHED, OTHERS, NO_COMPANY = 3, 2, 1, 0
LEVEL = "field_wall_level"


def _walled(model: type[models.Model]) -> bool:
    """True when an officer reads records of the model that are not all their own company's."""
    return issubclass(model, Scoped) and model.read_by_other_companies


@functools.cache
def hidden_at(model: type[models.Model], level: int) -> frozenset[str]:
    """The fields, and the derived values, of a `model` record that stands at `level` to its reader which they do
    not see; never the primary key (the row itself is visible: it is what the reader asked for)."""
    if level == OWN:
        return frozenset()
    classes = FIELDS.get(model._meta.label, {})
    shown_when_published = set(PUBLISHED_WITH_CASE_STATUS.get(model._meta.label, ()))
    hidden = set()
    for field in model._meta.concrete_fields:
        visibility = classes.get(field.name, Visibility.RESTRICTED)
        if field.primary_key or visibility == Visibility.PUBLIC:
            continue
        if visibility == Visibility.INTERNAL and (
            level == NO_COMPANY or (level == PUBLISHED and field.name in shown_when_published)
        ):
            continue
        hidden.add(field.name)
    hidden |= {name for name, sources in DERIVED.get(model._meta.label, {}).items() if hidden & set(sources)}
    return frozenset(hidden)


def hideable_fields(model: type[models.Model]) -> frozenset[str]:
    """The fields and derived values of `model` that some signed-in reader of a record does not see."""
    if not _walled(model):
        return frozenset()
    return hidden_at(model, NO_COMPANY if model.concern_filter(company_id=None) is None else OTHERS)


def _published_filter(model: type[models.Model]) -> Q | None:
    if model._meta.label not in PUBLISHED_WITH_CASE_STATUS:
        return None
    return model.status_published_filter()


def _level_of_rows(model: type[models.Model], company_id: int | None) -> Case | Value | None:
    """How each row stands to an officer of `company_id`, as SQL; None when it is their own in every row they read."""
    if not _walled(model):
        return None
    concern = model.concern_filter(company_id=company_id)
    if concern is None:
        return Value(NO_COMPANY) if hidden_at(model, NO_COMPANY) else None
    whens = [When(concern, then=Value(OWN))]
    published = _published_filter(model)
    if published is not None:
        whens.append(When(published, then=Value(PUBLISHED)))
    return Case(*whens, default=Value(OTHERS), output_field=IntegerField())


def hide(record: models.Model, names: frozenset[str]) -> None:
    """Blank the fields `names` of a record as it was read for one person, and say so in `record.hidden_fields`."""
    for name in names:
        try:
            field = record._meta.get_field(name)
        except FieldDoesNotExist:  # a derived value: computed from hidden fields, it is hidden with them
            continue
        if field.is_relation and field.is_cached(record):
            field.delete_cached_value(record)
        setattr(record, field.attname, None)
    record.hidden_fields = names


class WalledIterable(ModelIterable):
    """Records as one person may see them: the fields hidden from them blanked as each row is loaded."""

    def __iter__(self):
        model = self.queryset.model
        for record in super().__iter__():
            level = record.__dict__.pop(LEVEL, None)
            if level is not None and level != OWN:
                hide(record, hidden_at(model, level))
            yield record


def behind_the_wall(rows: ScopedQuerySet, *, company_id: int | None) -> ScopedQuerySet:
    """The rows as an officer of `company_id` reads them: each record with the fields they may not see hidden."""
    level = _level_of_rows(rows.model, company_id)
    if level is None:
        return rows
    walled = rows.annotate(**{LEVEL: level})
    if walled._iterable_class is ModelIterable:
        walled._iterable_class = WalledIterable
    return walled


def _level_of(user: User | AnonymousUser | None, record: models.Model) -> int:
    model = type(record)
    if is_regulator(user) or not _walled(model):
        return OWN
    company_id = getattr(user, "company_id", None)
    concern = model.concern_filter(company_id=company_id)
    if concern is None:
        return NO_COMPANY
    this = model._default_manager.filter(pk=record.pk)
    if this.filter(concern).exists():
        return OWN
    published = _published_filter(model)
    return PUBLISHED if published is not None and this.filter(published).exists() else OTHERS


def visible_fields(user: User | AnonymousUser | None, record: models.Model) -> list[str]:
    """The names of the concrete fields of `record` that `user` may see (the rule, for one record)."""
    if not is_signed_in(user):
        return []
    hidden = hidden_at(type(record), _level_of(user, record))
    return [field.name for field in record._meta.concrete_fields if field.name not in hidden]


def may_see_field(user: User | AnonymousUser | None, record: models.Model, name: str) -> bool:
    """True when `user` may see the field (or the derived value) `name` of `record`."""
    return is_signed_in(user) and name not in hidden_at(type(record), _level_of(user, record))


def where_visible(user: User | AnonymousUser | None, model: type[models.Model], *names: str) -> Q:
    """The rows of `model` in which `user` sees every field named: what a filter or a count on them may use."""
    if not _walled(model) or not set(names) & hidden_at(model, OTHERS):
        return Q()  # shown to every reader of the rows
    if not is_signed_in(user):
        return NOTHING
    if is_regulator(user):
        return Q()
    concern = model.concern_filter(company_id=user.company_id)
    if concern is None:
        return NOTHING if set(names) & hidden_at(model, NO_COMPANY) else Q()
    published = _published_filter(model)
    if published is not None and not set(names) & hidden_at(model, PUBLISHED):
        return concern | published
    return concern


def where_visible_along(user: User | AnonymousUser | None, model: type[models.Model], path: str) -> Q:
    """The rows of `model` in which `user` sees the value a lookup path (`measure__finding__side`) reaches.

    A field of the model itself narrows to the rows where it is visible; a field of a related record that is hidden
    anywhere matches nothing (a filter on it would tell the hidden values apart).
    """
    rows, on_model = Q(), True
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a lookup or a transform (`date`, `gte`): the path has reached its value
            break
        if field.concrete or (field.many_to_many and not field.auto_created):
            visible = where_visible(user, model, field.name)
            if visible != Q():
                if not on_model:
                    return NOTHING
                rows &= visible
        if not field.is_relation:
            break
        model, on_model = field.related_model, False
    return rows


def as_seen_by(user: User | AnonymousUser | None, model: type[models.Model], path: str) -> F | Case:
    """The value a lookup path of `model` reaches, as `user` sees it, as SQL: null in the rows where it is hidden.

    Order or group by this rather than by the field, so that hidden values neither sort nor count apart.
    """
    visible = where_visible_along(user, model, path)
    if visible == Q():
        return F(path)
    field = None
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model or model
    return Case(When(visible, then=F(path)), default=Value(None), output_field=field)
