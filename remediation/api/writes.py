"""The API's writes on measures and implementations, for regulator staff: each goes through `remediation.editing`."""

from __future__ import annotations

from compliance.api.writes import RegulatorDeleteMixin, RegulatorWritesMixin, write_schema
from compliance.tracking import DATE_FIELDS, TIMING_FIELDS
from remediation import editing
from remediation.api import inputs
from remediation.api.serializers import ImplementationSerializer, MeasureSerializer


@write_schema(
    read=MeasureSerializer,
    create=inputs.MeasureCreateSerializer,
    update=inputs.MeasureChangeSerializer,
    delete=True,
    created=(
        "Record a measure under a finding with the companies implementing it (regulator staff); it goes last "
        "among the finding's measures."
    ),
    updated="Change a measure's safeguard type, kind or texts (regulator staff).",
)
class MeasureWrites(RegulatorDeleteMixin, RegulatorWritesMixin):
    def create_record(self, actor, values):
        start = {name: values.pop(name) for name in ("status", *DATE_FIELDS)}
        implementers = [editing.Implementer(company, **start) for company in values.pop("implementers")]
        return editing.measure_create(actor=actor, implementers=implementers, **values)

    def update_record(self, actor, record, values, version):
        return editing.measure_update(actor=actor, measure=record, version=version, **values)

    def delete_record(self, actor, record, version):
        editing.measure_delete(actor=actor, measure=record, version=version)


@write_schema(
    read=ImplementationSerializer,
    create=inputs.ImplementationCreateSerializer,
    update=inputs.ItemDatesSerializer,
    delete=True,
    created="Add a company implementing a measure (regulator staff); its first dates are kept as the original ones.",
    updated=(
        "Set or move the item's due date or window (regulator staff), with `If-Match` set to its ETag. "
        "The original dates stay."
    ),
)
class ImplementationWrites(RegulatorDeleteMixin, RegulatorWritesMixin):
    def create_record(self, actor, values):
        return editing.implementation_add(actor=actor, **values)

    def update_record(self, actor, record, values, version):
        dates = {name: values.get(name, getattr(record, name)) for name in DATE_FIELDS}
        timing = {name: values[name] for name in TIMING_FIELDS if name in values}
        return editing.item_dates_set(actor=actor, item=record, item_version=version, **dates, **timing)

    def delete_record(self, actor, record, version):
        editing.implementation_remove(actor=actor, implementation=record, item_version=version)
