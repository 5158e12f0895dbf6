"""Model serializers that read each row once: every field through one function made for it, fields built once per
class, and the fields the field wall may hide declared nullable."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from operator import attrgetter, itemgetter

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from compliance.access import hideable_fields
from compliance.api.fields import (
    HyperlinkedIdentityField,
    HyperlinkedRelatedField,
    ReversedOncePerRequest,
    along_name,
)

Cell = Callable[[models.Model], object]

# What a cell gives for a field DRF leaves out of the row (it raised SkipField).
SKIPPED = object()


class ColumnsReadOnce:
    """A model serializer that reads each field of a row through one function made for it once per serializer: a
    plain column straight from the row, what it shows of a related row from the codes read with the row
    (`codes_along`), a link by filling its key into a URL.

    DRF looks up every field of every row through a general path (nested sources, dictionaries, callables) and
    shows it through the field's own `to_representation`, checks included; a column of the model (not a property or
    a method) of a type the field shows as it is (text, a number, a date) needs none of it. A page of 100
    implementations: 1.3 ms rather than 2.9. Everything else, and any row that is not a model instance, goes DRF's way.
    """

    def to_representation(self, instance):
        if not isinstance(instance, models.Model):
            return super().to_representation(instance)
        cells = self.__dict__.get("_cells")
        if cells is None:
            cells = self._cells = [(field.field_name, cell_of(field, instance)) for field in self._readable_fields]
        row = {}
        for name, cell in cells:
            value = cell(instance)
            if value is not SKIPPED:
                row[name] = value
        return row


def cell_of(field: serializers.Field, instance: models.Model) -> Cell:
    """A function giving what `field` shows of a row like `instance` (SKIPPED where DRF would leave it out)."""
    return along_cell(field, instance) or column_cell(field, type(instance)) or own_cell(field) or drf_cell(field)


def shown_unless_none(read: Cell, show: Callable[[object], object]) -> Cell:
    """A cell showing by `show` the value `read` gives, None as None."""
    return lambda row: None if (value := read(row)) is None else show(value)


def drf_cell(field: serializers.Field) -> Cell:
    """DRF's way: the field's own lookup and representation."""

    def cell(row: models.Model) -> object:
        try:
            value = field.get_attribute(row)
        except SkipField:
            return SKIPPED
        if (value.pk if isinstance(value, PKOnlyObject) else value) is None:
            return None
        return field.to_representation(value)

    return cell


def along_cell(field: serializers.Field, instance: models.Model) -> Cell | None:
    """What `field` shows of a related row (its code, or its link by codes) when the row was read with the codes
    (`codes_along`); None otherwise. A relation the field wall hides reads as None."""
    if isinstance(field, serializers.ManyRelatedField) or not isinstance(field, serializers.RelatedField):
        return None
    if isinstance(field, serializers.SlugRelatedField):
        names, show = (along_name(*field.source_attrs, field.slug_field),), itemgetter(0)
    elif isinstance(field, HyperlinkedRelatedField) and not field.use_pk_only_optimization():
        names = tuple(along_name(*field.source_attrs, *key.split("__")) for key in field.lookup_fields)
        show = field.links_by_key()
    else:
        return None
    if show is None or not all(name in instance.__dict__ for name in names):
        return None
    relation = field.source_attrs[0]

    def cell(row: models.Model) -> object:
        if relation in row.hidden_fields:
            return None
        values = tuple(row.__dict__[name] for name in names)
        return None if None in values else show(values)

    return cell


def own_cell(field: serializers.Field) -> Cell | None:
    """The link to the row itself, by the key read from the row (none for a record not saved, as DRF gives)."""
    if not isinstance(field, HyperlinkedIdentityField):
        return None
    link = field.links_by_key()
    if link is None:
        return None
    paths = [name.replace("__", ".") for name in field.lookup_fields]
    key = attrgetter(*paths) if len(paths) > 1 else lambda row, one=attrgetter(*paths): (one(row),)
    return lambda row: None if row.pk in (None, "") else link(key(row))


def column_cell(field: serializers.Field, model: type[models.Model]) -> Cell | None:
    """What `field` shows of a column of `model`, read straight from the row; None for a field read DRF's way.

    A to-one relation shown by its key alone (a link) reads the key's column, as DRF's own shortcut does; one shown
    by another of its fields (a code) reads the related row.
    """
    if isinstance(field, serializers.ManyRelatedField | serializers.Serializer) or getattr(field, "reads_row", False):
        return None
    if len(field.source_attrs) != 1 or field.source == "*":
        return None
    try:
        column = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    if not column.concrete or (column.is_relation and not column.many_to_one):
        return None
    if isinstance(field, serializers.RelatedField):
        return related_cell(field, column)
    if column.is_relation:
        return None
    return shown_cell(field, attrgetter(column.attname))


def related_cell(field: serializers.RelatedField, column: models.Field) -> Cell:
    """A to-one relation: its link by the key's column, or what the field shows of the related row."""
    if not field.use_pk_only_optimization():
        return shown_unless_none(attrgetter(column.name), field.to_representation)  # the row select_related left
    link = field.links_by_key() if isinstance(field, ReversedOncePerRequest) else None
    if link is not None:
        return shown_unless_none(attrgetter(column.attname), lambda pk: link((pk,)))
    return shown_unless_none(attrgetter(column.attname), lambda pk: field.to_representation(PKOnlyObject(pk=pk)))


# DRF's fields that show a value of these types as it is: `to_representation` gives the same value back (a choice
# field only when its choices are text, which `shown_cell` checks).
SHOWN_AS_IS = {
    serializers.CharField.to_representation: str,
    serializers.ChoiceField.to_representation: str,
    serializers.IntegerField.to_representation: int,
    serializers.BooleanField.to_representation: bool,
}


def shown_cell(field: serializers.Field, read: Cell) -> Cell:
    """A column read by `read`, shown as `field` shows it: a value DRF would give back unchanged is given as it is,
    a date in ISO format as `isoformat()` writes it (which is what DRF calls), anything else through the field."""
    show = field.to_representation
    kind = SHOWN_AS_IS.get(type(field).to_representation)
    if isinstance(field, serializers.ChoiceField) and not all(type(choice) is str for choice in field.choices):
        kind = None
    if kind is not None:
        return lambda row: value if (value := read(row)) is None or type(value) is kind else show(value)
    if type(field).to_representation is serializers.DateField.to_representation and shows_iso_dates(field):
        date = datetime.date
        return shown_unless_none(read, lambda value: value.isoformat() if type(value) is date else show(value))
    return shown_unless_none(read, show)


def shows_iso_dates(field: serializers.DateField) -> bool:
    """Whether the date field writes its dates in ISO format (its own format, or the API's default)."""
    output_format = getattr(field, "format", api_settings.DATE_FORMAT)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


# A model serializer whose fields the field wall may hide says so: they may be null (`compliance.access`): another
# company's record reads with its internal fields as None, and the API shows them as null. (No docstring, as below.)
class FieldWallNullable:
    def get_fields(self):
        fields = super().get_fields()
        hideable = hideable_fields(self.Meta.model)
        for name, field in fields.items():
            if name in hideable or field.source in hideable:
                field.allow_null = True
        return fields


# A model serializer that builds its fields from the model once per class and copies them for each use: DRF
# builds them again for every serializer made, 1 ms a request for a serializer of 20 fields (a copy costs 0.3 ms).
# Their build depends on the class alone (its declared fields, its Meta and the model). A copy is made from the
# field's arguments: what changes a field after it is made (FieldWallNullable) comes after. (No docstring, as below.)
class FieldsBuiltOnce:
    def get_fields(self):
        built = type(self).__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            type(self)._fields_built = built
        return copy.deepcopy(built)


# DRF's hyperlinked serializer with links reversed once per request, columns read once, fields built once, and the
# fields the wall may hide nullable. (No docstring: drf-spectacular would take it as the description of every
# serializer without one.)
class HyperlinkedModelSerializer(
    ColumnsReadOnce, FieldWallNullable, FieldsBuiltOnce, serializers.HyperlinkedModelSerializer
):
    serializer_related_field = HyperlinkedRelatedField
    serializer_url_field = HyperlinkedIdentityField
