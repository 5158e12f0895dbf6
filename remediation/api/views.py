"""Read-only API of measures and their implementations."""

from compliance.api.scoping import ScopedReadOnlyViewSet
from remediation.api.serializers import ImplementationSerializer, MeasureSerializer, ProgressUpdateSerializer
from remediation.models import Implementation, Measure, ProgressUpdate


class MeasureViewSet(ScopedReadOnlyViewSet):
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


class ImplementationViewSet(ScopedReadOnlyViewSet):
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


class ProgressUpdateViewSet(ScopedReadOnlyViewSet):
    """Progress updates: private to the company that submitted them, and to the regulator."""

    queryset = ProgressUpdate.objects.select_related("company", "author", "implementation", "incident")
    serializer_class = ProgressUpdateSerializer
    filterset_fields = {
        "company__code": ["exact"],
        "status": ["exact"],
        "submitted_at": ["gte", "lte"],
        "implementation": ["exact"],
        "incident": ["exact"],
    }
    ordering_fields = ["submitted_at"]
