"""Read-only API of measures and their implementations."""

from rest_framework import viewsets

from remediation.api.serializers import ImplementationSerializer, MeasureSerializer
from remediation.models import Implementation, Measure


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Improvement measures, one per bullet under a finding."""

    queryset = Measure.objects.select_related("finding__case", "safeguard_type").prefetch_related("implementations")
    serializer_class = MeasureSerializer
    filterset_fields = {
        "finding__case__code": ["exact"],
        "finding__side": ["exact"],
        "safeguard_type__code": ["exact"],
        "kind": ["exact"],
        "implementers__code": ["exact"],
    }


class ImplementationViewSet(viewsets.ReadOnlyModelViewSet):
    """Each measure as carried out by one company, with its status and dates."""

    queryset = Implementation.objects.select_related("measure", "company")
    serializer_class = ImplementationSerializer
    filterset_fields = {
        "measure__finding__case__code": ["exact"],
        "company__code": ["exact"],
        "company__group__code": ["exact"],
        "status": ["exact"],
        "window_end": ["gte", "lte"],
        "due_on": ["gte", "lte"],
    }
    ordering_fields = ["due_on", "window_end", "status"]
