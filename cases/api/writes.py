"""The API's writes on cases and their content, for regulator staff: each goes through a service of `cases.editing`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import editing, editing_laws, reference_data
from cases.api import inputs, serializers
from cases.choices import CaseStatus
from compliance.api.writes import RegulatorDeleteMixin, RegulatorWritesMixin, write_schema


@write_schema(
    read=serializers.CaseSerializer,
    create=inputs.CaseOpenSerializer,
    update=inputs.CaseChangeSerializer,
    delete=True,
    created="Open a case (regulator staff), brought by `authorities` (by default the regulator's own).",
    updated=(
        "Change a case (regulator staff). `status: closed` closes it on `closed_on` (today by default); "
        "`open` or `monitoring` reopens a closed case."
    ),
)
class CaseWrites(RegulatorDeleteMixin, RegulatorWritesMixin):
    def create_record(self, actor, values):
        return editing.case_open(actor=actor, **values)

    def delete_record(self, actor, record, version):
        editing.case_delete(actor=actor, case=record, version=version)

    def update_record(self, actor, record, values, version):
        status, closed_on = values.pop("status", None), values.pop("closed_on", None)
        if closed_on is not None and status != CaseStatus.CLOSED:
            raise ValidationError({"closed_on": _("Give a closing day only with the status “closed”.")})
        with transaction.atomic():
            # Each step checks the version the one before left (the first, the client's): the row stays locked.
            case = record
            if status not in (None, CaseStatus.CLOSED):
                if record.status == CaseStatus.CLOSED:
                    case = editing.case_reopen(actor=actor, case=case, version=version, status=status)
                    version = case.version
                else:
                    values["status"] = status
            case = editing.case_update(actor=actor, case=case, version=version, **values)
            closed_already = case.status == CaseStatus.CLOSED and closed_on in (None, case.closed_on)
            if status == CaseStatus.CLOSED and not closed_already:
                case = editing.case_close(actor=actor, case=case, version=case.version, closed_on=closed_on)
            return case


@write_schema(
    read=serializers.LawArticleSerializer,
    create=inputs.LawArticleCreateSerializer,
    update=inputs.LawArticleChangeSerializer,
    delete=True,
    created="Add an article of any law (regulator staff).",
    updated="Correct a law article (regulator staff); its code stays.",
)
class LawArticleWrites(RegulatorDeleteMixin, RegulatorWritesMixin):
    def delete_record(self, actor, record, version):
        editing_laws.law_article_delete(actor=actor, law_article=record, version=version)

    def create_record(self, actor, values):
        return editing_laws.law_article_create(actor=actor, **values)

    def update_record(self, actor, record, values, version):
        return editing_laws.law_article_update(actor=actor, law_article=record, version=version, **values)


@write_schema(
    read=serializers.RegulatoryActionSerializer,
    create=inputs.RegulatoryActionCreateSerializer,
    update=inputs.RegulatoryActionChangeSerializer,
    delete=True,
    created="Record an action of the regulator in a case (regulator staff); it goes last among the case's actions.",
    updated="Change an action (regulator staff); lists given replace the current ones.",
)
class RegulatoryActionWrites(RegulatorDeleteMixin, RegulatorWritesMixin):
    def create_record(self, actor, values):
        return editing.regulatory_action_create(actor=actor, **values)

    def update_record(self, actor, record, values, version):
        return editing.regulatory_action_update(actor=actor, action=record, version=version, **values)

    def delete_record(self, actor, record, version):
        editing.regulatory_action_delete(actor=actor, action=record, version=version)


@write_schema(
    read=serializers.FindingSerializer,
    create=inputs.FindingCreateSerializer,
    update=inputs.FindingChangeSerializer,
    delete=True,
    created="Record a finding of a case (regulator staff); it goes last among the case's findings.",
    updated="Change a finding (regulator staff); lists given replace the current ones.",
)
class FindingWrites(RegulatorDeleteMixin, RegulatorWritesMixin):
    def create_record(self, actor, values):
        return editing.finding_create(actor=actor, **values)

    def update_record(self, actor, record, values, version):
        return editing.finding_update(actor=actor, finding=record, version=version, **values)

    def delete_record(self, actor, record, version):
        editing.finding_delete(actor=actor, finding=record, version=version)


@write_schema(
    read=serializers.IncidentPairSerializer,
    create=inputs.IncidentPairCreateSerializer,
    update=inputs.IncidentPairChangeSerializer,
    created="Record a pair of companies whose inspection found incidents (regulator staff); it takes the next number.",
    updated="Change a pair's group, companies or reported total (regulator staff).",
)
class IncidentPairWrites(RegulatorWritesMixin):
    def create_record(self, actor, values):
        return editing.incident_pair_create(actor=actor, **values)

    def update_record(self, actor, record, values, version):
        return editing.incident_pair_update(actor=actor, pair=record, version=version, **values)


class ReferenceDataWrites(RegulatorDeleteMixin, RegulatorWritesMixin):
    """Authorities, laws and instruments: one rule for the three (`cases.reference_data`)."""

    def create_record(self, actor, values):
        return reference_data.reference_add(actor=actor, model=self.queryset.model, values=values)

    def update_record(self, actor, record, values, version):
        return reference_data.reference_change(actor=actor, record=record, version=version, changes=values)

    def delete_record(self, actor, record, version):
        reference_data.reference_delete(actor=actor, record=record, version=version)


@write_schema(
    read=serializers.AuthoritySerializer,
    create=inputs.AuthorityCreateSerializer,
    update=inputs.AuthorityChangeSerializer,
    delete=True,
    created="Add an authority: a commission, a ministry, a minister, a court (regulator staff).",
    updated="Rename an authority, change its kind or its place in the list (regulator staff); its code stays.",
)
class AuthorityWrites(ReferenceDataWrites):
    pass


@write_schema(
    read=serializers.LawSerializer,
    create=inputs.LawCreateSerializer,
    update=inputs.LawChangeSerializer,
    delete=True,
    created="Add a law cases may be brought under (regulator staff).",
    updated="Correct a law's names, number or place in the list (regulator staff); its code stays.",
)
class LawWrites(ReferenceDataWrites):
    pass


@write_schema(
    read=serializers.InstrumentSerializer,
    create=inputs.InstrumentCreateSerializer,
    update=inputs.InstrumentChangeSerializer,
    delete=True,
    created="Add an instrument of a law (勧告, 命令, 聴聞…), the kind of a regulatory action (regulator staff).",
    updated="Rename an instrument or move it in its list (regulator staff); its code and law stay.",
)
class InstrumentWrites(ReferenceDataWrites):
    pass
