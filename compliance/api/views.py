"""API of companies and groups; for the regulator, the access log, its analysis and the change history."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authentication import BasicAuthentication
from rest_framework.response import Response

from compliance.api import inputs
from compliance.api.authentication import VerifiedSessionAuthentication
from compliance.api.filtering import ApiFilterBackend, ApiFilterSet, UtcIsoDateTimeFilter
from compliance.api.scoping import RegulatorOnly, ScopedReadOnlyViewSet
from compliance.api.serializers import (
    AccessAnomalySerializer,
    AccessLogEntrySerializer,
    ApiTokenSerializer,
    ChangeEventSerializer,
    CompanyGroupSerializer,
    CompanySerializer,
)
from compliance.api.strict import StrictRequestMixin
from compliance.api.writes import RegulatorDeleteMixin, RegulatorWritesMixin, write_schema
from compliance.api_tokens import TokenRefused, api_token_create, api_token_revoke
from compliance.audit import access_log_read_rows
from compliance.history import change_history
from compliance.models import AccessAnomaly, AccessLogEntry, ChangeEvent, Company, CompanyGroup
from compliance.services import (
    company_create,
    company_delete,
    company_group_create,
    company_group_update,
    company_update,
)


@write_schema(
    read=CompanyGroupSerializer,
    create=inputs.CompanyGroupCreateSerializer,
    update=inputs.CompanyGroupChangeSerializer,
    created="Add a group (regulator staff).",
    updated="Rename a group or move it in the list (regulator staff); its code stays.",
)
class CompanyGroupViewSet(RegulatorWritesMixin, ScopedReadOnlyViewSet):
    """Corporate groups."""

    queryset = CompanyGroup.objects.all()
    serializer_class = CompanyGroupSerializer
    lookup_field = "code"

    def create_record(self, actor, values):
        return company_group_create(actor=actor, **values)

    def update_record(self, actor, record, values, version):
        return company_group_update(actor=actor, group=record, version=version, **values)


@write_schema(
    read=CompanySerializer,
    create=inputs.CompanyCreateSerializer,
    update=inputs.CompanyChangeSerializer,
    delete=True,
    created="Add a company or a contractor not yet known (regulator staff).",
    updated="Change a company's names, kind, group or place in the list (regulator staff); its code stays.",
)
class CompanyViewSet(RegulatorDeleteMixin, RegulatorWritesMixin, ScopedReadOnlyViewSet):
    """Companies under supervision, and the contractors the case names."""

    queryset = Company.objects.select_related("group")
    serializer_class = CompanySerializer
    lookup_field = "code"
    filterset_fields = ["kind", "group__code"]
    ordering_fields = ["position", "code"]

    def create_record(self, actor, values):
        return company_create(actor=actor, **values)

    def update_record(self, actor, record, values, version):
        return company_update(actor=actor, company=record, version=version, **values)

    def delete_record(self, actor, record, version):
        company_delete(actor=actor, company=record, version=version)


class AccessLogFilterSet(ApiFilterSet):
    """The access log by person, action, record, the kind and the company of the records read, and time."""

    record_type = filters.CharFilter(method="filter_record_type", help_text="Entries that read a record of this type.")
    record_company = filters.NumberFilter(
        method="filter_record_company",
        min_value=1,
        max_value=2**63 - 1,
        help_text="Entries that read a record of this company (its id).",
    )
    at__gte = UtcIsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at__lte = UtcIsoDateTimeFilter(field_name="at", lookup_expr="lte")

    class Meta:
        model = AccessLogEntry
        fields = {"username": ["exact"], "action": ["exact"], "object_type": ["exact"], "object_id": ["exact"]}

    def filter_record_type(self, queryset, name, value):
        return queryset.filter(records__contains=[{"type": value}])

    def filter_record_company(self, queryset, name, value):
        return queryset.filter(records__contains=[{"company": int(value)}])


class AccessLogViewSet(ScopedReadOnlyViewSet):
    """The access log (regulator staff only): every read of private data and every denied attempt."""

    queryset = AccessLogEntry.objects.order_by("-id")
    serializer_class = AccessLogEntrySerializer
    permission_classes = [RegulatorOnly]
    filter_backends = [ApiFilterBackend]  # newest first only: the cursor follows the entries' order
    filterset_class = AccessLogFilterSet


class AccessAnomalyViewSet(ScopedReadOnlyViewSet):
    """What the periodic analysis of the access log flagged (regulator staff only)."""

    queryset = AccessAnomaly.objects.select_related("user__company")
    serializer_class = AccessAnomalySerializer
    permission_classes = [RegulatorOnly]
    filterset_fields = {"kind": ["exact"], "day": ["gte", "lte"]}


class ChangeEventFilterSet(ApiFilterSet):
    """The change history by record type (`cases.Finding`), record id, and time of the change."""

    record_type = filters.CharFilter(field_name="pgh_obj_model")
    record_id = filters.NumberFilter(field_name="pgh_obj_id", min_value=1, max_value=2**63 - 1)
    at__gte = UtcIsoDateTimeFilter(field_name="pgh_created_at", lookup_expr="gte")
    at__lte = UtcIsoDateTimeFilter(field_name="pgh_created_at", lookup_expr="lte")

    class Meta:
        model = ChangeEvent
        fields = []


class ChangeHistoryViewSet(StrictRequestMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every change to every record (regulator staff only): who, when, before and after."""

    serializer_class = ChangeEventSerializer
    permission_classes = [RegulatorOnly]
    filter_backends = [ApiFilterBackend]
    filterset_class = ChangeEventFilterSet

    def get_queryset(self):
        return change_history()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        access_log_read_rows(request=self.request, object_type="history", object_ids=[e.pgh_slug for e in page])
        return page


class ApiTokenViewSet(
    StrictRequestMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in person's own API tokens: list, create (the token is shown once), revoke.

    Creating a token needs the password (HTTP Basic) with the current code of an authenticator app when the person
    has one (or must have one), or a browser session that has verified its second factor; never another token.
    """

    serializer_class = ApiTokenSerializer
    lookup_field = "token_key"
    filter_backends = []

    def get_authenticators(self):
        authenticators = super().get_authenticators()
        if self.request is not None and self.request.method == "POST":
            return [BasicAuthentication(), VerifiedSessionAuthentication()]
        return authenticators

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no person
            return AuthToken.objects.none()
        return AuthToken.objects.filter(user=self.request.user).order_by("-created")

    @extend_schema(
        request=inputs.ApiTokenCreateSerializer,
        responses={
            201: inline_serializer(
                "CreatedApiToken",
                {
                    "key": serializers.CharField(),
                    "expiry": serializers.DateTimeField(),
                    "token": serializers.CharField(),
                },
            )
        },
    )
    def create(self, request, *args, **kwargs):
        given = inputs.ApiTokenCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            instance, token = api_token_create(
                request=request._request,
                user=request.user,
                session_verified=isinstance(request.successful_authenticator, VerifiedSessionAuthentication),
                code=given.validated_data.get("code", ""),
            )
        except TokenRefused as refused:
            raise exceptions.PermissionDenied(refused.args[0]) from refused
        body = {"key": instance.token_key, "expiry": instance.expiry, "token": token}
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        api_token_revoke(request=self.request._request, token=instance)
