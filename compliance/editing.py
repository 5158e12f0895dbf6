"""What every regulator's edit of case records shares: who may edit, whole-record validation, places in a list.

The services of `compliance.services`, `cases.editing` and `remediation.editing` build on these; the change
history (django-pghistory) records each write they make, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from compliance.access import is_regulator
from compliance.versioning import Versioned, check_version

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from compliance.models import User

RecordT = TypeVar("RecordT", bound=models.Model)


def require_regulator(actor: User | AnonymousUser | None) -> None:
    """Refuse anyone but regulator staff: case records are the regulator's to keep."""
    if not is_regulator(actor):
        raise PermissionDenied(_("Only regulator staff can do this."))


def assign(record: models.Model, changes: Mapping[str, object], editable: Iterable[str]) -> list[str]:
    """Set the changed fields on `record`, refusing any field that is not `editable`; the names of those changed."""
    refused = sorted(set(changes) - set(editable))
    if refused:
        raise ValidationError({name: _("This field cannot be changed here.") for name in refused})
    changed = []
    for name, value in changes.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def save_validated(record: RecordT) -> RecordT:
    """Validate the whole record (fields, `clean()`, uniqueness, constraints), then save it.

    A uniqueness error names the field that repeats (`code`, `number`, `company`). Should the database still
    refuse the row (someone saved a clashing one at the same moment), that becomes a validation error too, and
    nothing is written.
    """
    try:
        record.full_clean()
    except ValidationError as error:
        raise _unique_errors_on_fields(error) from None
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(
            _("Someone saved a record that clashes with this one at the same moment. Reload and try again.")
        ) from None
    return record


def _unique_errors_on_fields(error: ValidationError) -> ValidationError:
    """Move "already exists" errors of a unique key of several fields (case and code) to the key's own field."""
    if not hasattr(error, "error_dict"):
        return error
    errors = dict(error.error_dict)
    kept = []
    for item in errors.pop(NON_FIELD_ERRORS, []):
        fields = (item.params or {}).get("unique_check") if item.code == "unique_together" else None
        if fields:
            errors.setdefault(fields[-1], []).append(item)
        else:
            kept.append(item)
    if kept:
        errors[NON_FIELD_ERRORS] = kept
    return ValidationError(errors)


def next_position(siblings: models.QuerySet, field: str = "position") -> int:
    """The place after the last of `siblings`: new records go last in their parent's order."""
    last = siblings.aggregate(last=Max(field))["last"]
    return 0 if last is None else last + 1


def locked(record: RecordT) -> RecordT:
    """The record as stored now, locked until the transaction ends."""
    return type(record).objects.select_for_update(of=("self",)).get(pk=record.pk)


def locked_at(record: RecordT, version: int | None) -> RecordT:
    """The record as stored now, locked until the transaction ends, if it is still at the version the person saw
    (`ConflictError` otherwise: two people changing it at once cannot both win)."""
    current = locked(record)
    check_version(version, current.version)
    return current


def relation_changes(record: models.Model, relations: Mapping[str, Sequence[models.Model] | None]) -> dict[str, list]:
    """The to-many relations given (None: left as they are) whose rows differ from the record's, by name."""
    changed = {}
    for name, rows in relations.items():
        if rows is None:
            continue
        rows = list(rows)
        if {row.pk for row in rows} != set(getattr(record, name).values_list("pk", flat=True)):
            changed[name] = rows
    return changed


def save_changes(record: Versioned, changed: Iterable[str], relations: Mapping[str, list] | None = None) -> Versioned:
    """Write what changed of a locked record, raising its version once; a write that changes nothing writes nothing
    (no UPDATE, no change history, the same version). `relations`: the to-many relations to set (`relation_changes`)."""
    relations = relations or {}
    if not list(changed) and not relations:
        return record
    record.version += 1
    save_validated(record)
    for name, rows in relations.items():
        getattr(record, name).set(rows)
    return record


def require_some(values: Iterable[object] | None, field: str, message: str) -> None:
    """Refuse an empty list where the record needs at least one related row."""
    if values is not None and not list(values):
        raise ValidationError({field: message})


def dependents(record: models.Model, *, ignore: Iterable[str] = ()) -> list[tuple[str, int]]:
    """What keeps `record`: each kind of row that refers to it, with how many (change history aside).

    Read from the models' relations, so that a lower layer names the records of the layers above without knowing
    them. `ignore` names relations (by accessor name) that go with the record rather than keep it.
    """
    kept = []
    ignored = set(ignore)
    for relation in record._meta.related_objects:
        if relation.get_accessor_name() in ignored or relation.related_model._meta.app_label == "pghistory":
            continue
        if getattr(relation.related_model, "pgh_tracked_model", None) is not None:  # a change-history event
            continue
        if relation.many_to_many:
            count = getattr(record, relation.get_accessor_name()).count()
        else:
            count = relation.related_model._base_manager.filter(**{relation.field.name: record}).count()
        if count:
            meta = relation.related_model._meta
            kept.append((str(meta.verbose_name if count == 1 else meta.verbose_name_plural), count))
    return kept


def require_no_dependents(record: models.Model, *, ignore: Iterable[str] = ()) -> None:
    """Refuse to remove a record other records still refer to, naming them ("2 findings, 1 regulatory action")."""
    kept = dependents(record, ignore=ignore)
    if kept:
        listing = _(", ").join(
            _("%(count)d %(records)s") % {"count": count, "records": records} for records, count in kept
        )
        raise ValidationError(
            _("%(record)s cannot be removed: %(listing)s refer to it. Remove or change them first.")
            % {"record": record, "listing": listing}
        )
