"""Read-only API of companies and groups."""

from rest_framework import viewsets

from compliance.api.serializers import CompanyGroupSerializer, CompanySerializer
from compliance.models import Company, CompanyGroup


class CompanyGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Corporate groups."""

    queryset = CompanyGroup.objects.all()
    serializer_class = CompanyGroupSerializer
    lookup_field = "code"


class CompanyViewSet(viewsets.ReadOnlyModelViewSet):
    """Companies under supervision, and the contractors the case names."""

    queryset = Company.objects.select_related("group")
    serializer_class = CompanySerializer
    lookup_field = "code"
    filterset_fields = ["kind", "group__code"]
    ordering_fields = ["position", "code"]
