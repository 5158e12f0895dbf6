"""What regulator staff send to keep measures, their implementing companies, and the dates of open items.

A measure's finding is named by its codes, `case` and `finding`; an implementation's measure by `case`, `finding`
and `measure` (`compliance.api.lookups`).
"""

from rest_framework import serializers

from cases.api.inputs import case_code
from cases.models import Finding, SafeguardType
from compliance.api.fields import JapaneseDateField
from compliance.api.writes import CodeRelatedField, CodeWithinField, InputSerializer, record_by_codes
from compliance.choices import ItemStatus
from compliance.models import Company
from compliance.tracking import DATE_FIELDS, TIMING_FIELDS
from remediation.models import Implementation, Measure


class MeasureCreateSerializer(InputSerializer):
    """A measure under a finding, with the companies implementing it.

    `status`, `due_on`, `window_start` and `window_end` are those each new implementation starts with; give
    each company its own dates afterwards with `PATCH /implementations/{id}/`.
    """

    case = case_code()
    finding = CodeWithinField(help_text="The finding's code, within the case.")
    safeguard_type = CodeRelatedField(queryset=SafeguardType.objects.all())
    implementers = CodeRelatedField(queryset=Company.objects.all(), many=True, required=False, default=list)
    status = serializers.ChoiceField(choices=ItemStatus.choices, required=False, allow_blank=True, default="")
    due_on = JapaneseDateField(required=False, allow_null=True, default=None)
    window_start = JapaneseDateField(required=False, allow_null=True, default=None)
    window_end = JapaneseDateField(required=False, allow_null=True, default=None)

    class Meta(InputSerializer.Meta):
        model = Measure
        fields = [
            "case",
            "finding",
            "code",
            "safeguard_type",
            "kind",
            "text_ja",
            "text_en",
            "implementers",
            "status",
            *DATE_FIELDS,
            *TIMING_FIELDS,
        ]

    def validate(self, attrs):
        key = {"case__code": attrs.pop("case").code, "code": attrs["finding"]}
        attrs["finding"] = record_by_codes(Finding.objects.all(), "finding", **key)
        return attrs


class MeasureChangeSerializer(InputSerializer):
    safeguard_type = CodeRelatedField(queryset=SafeguardType.objects.all())

    class Meta(InputSerializer.Meta):
        model = Measure
        fields = ["safeguard_type", "kind", "text_ja", "text_en", *TIMING_FIELDS]


class ImplementationCreateSerializer(InputSerializer):
    """Another company implementing a measure: an open item, its first dates kept as its original dates."""

    case = case_code()
    finding = CodeWithinField(help_text="The code of the measure's finding, within the case.")
    measure = CodeWithinField(help_text="The measure's code, within the finding.")
    company = CodeRelatedField(queryset=Company.objects.all())

    class Meta(InputSerializer.Meta):
        model = Implementation
        fields = ["case", "finding", "measure", "company", "status", *DATE_FIELDS]

    def validate(self, attrs):
        key = {
            "finding__case__code": attrs.pop("case").code,
            "finding__code": attrs.pop("finding"),
            "code": attrs["measure"],
        }
        attrs["measure"] = record_by_codes(Measure.objects.all(), "measure", **key)
        return attrs


class ItemDatesSerializer(InputSerializer):
    """An open item's new due date or window, its deadline as the authority worded it (`deadline_text`), and the
    days it was submitted and completed; the fields left out keep their values, `null` clears a date."""

    class Meta(InputSerializer.Meta):
        model = Implementation
        fields = [*DATE_FIELDS, *TIMING_FIELDS]
