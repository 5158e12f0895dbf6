"""Related cases in the API: `related` on a case's detail; `POST/DELETE …/cases/{code}/links/` for regulator staff."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import selectors
from cases.api.serializers import CaseSerializer
from cases.choices import CaseRelation
from cases.models import Case, CaseLink
from cases.services import case_link, case_unlink
from compliance.api.fields import HyperlinkedRelatedField, TextField
from compliance.api.scoping import RegulatorOnly
from compliance.api.writes import CodeRelatedField
from compliance.guards import get_visible_or_404

DIRECTIONS = [("outgoing", "outgoing"), ("incoming", "incoming")]


class RelatedCaseSerializer(serializers.Serializer):
    """A related case, seen from the case it is listed on.

    `direction` says which case made the link (`outgoing`: this one); `relation` is the kind as the link was made,
    `label` the relation as it reads from this case, in the language of the request.
    """

    id = serializers.IntegerField(read_only=True)
    case = serializers.CharField(source="other.code", read_only=True)
    url = HyperlinkedRelatedField(view_name="api:case-detail", lookup_field="code", source="other", read_only=True)
    title_ja = serializers.CharField(source="other.title_ja", read_only=True)
    title_en = serializers.CharField(source="other.title_en", read_only=True)
    relation = serializers.ChoiceField(choices=CaseRelation.choices, read_only=True)
    direction = serializers.ChoiceField(choices=DIRECTIONS, read_only=True)
    label = serializers.CharField(read_only=True)
    note_ja = serializers.CharField(read_only=True)
    note_en = serializers.CharField(read_only=True)


@extend_schema_field(RelatedCaseSerializer(many=True))
class RelatedCasesField(serializers.Field):
    """The case's links to related cases, both ways, as the person may see them."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, case):
        links = selectors.case_links(user=self.context["request"].user, case=case)
        return RelatedCaseSerializer(links, many=True, context=self.context).data


class CaseDetailSerializer(CaseSerializer):
    """An enforcement case with its related cases."""

    related = RelatedCasesField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "related"]


class CaseLinkInputSerializer(serializers.Serializer):
    """What regulator staff send to link the case to a related one."""

    case = CodeRelatedField(queryset=Case.objects.none())
    relation = serializers.ChoiceField(choices=CaseRelation.choices)
    note_ja = TextField(required=False, allow_blank=True, default="")
    note_en = TextField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["case"].queryset = selectors.cases(user=request.user if request else None)


def _invalid(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's refusal as a 400, its `other` field named `case` as in the request."""
    detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    if "other" in detail:
        detail["case"] = detail.pop("other")
    return serializers.ValidationError(detail)


class CaseLinksActionMixin:
    """`related` on a case's detail; `POST …/{code}/links/`, `DELETE …/{code}/links/?case=<code>` for the regulator."""

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        return super().get_serializer_class()

    @extend_schema(
        methods=["POST"],
        request=CaseLinkInputSerializer,
        responses={201: RelatedCaseSerializer},
        description="Link the case to a related one (regulator staff). One link per pair of cases.",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        parameters=[
            OpenApiParameter(
                "case", {"type": "string", "minLength": 1}, OpenApiParameter.QUERY, required=True, description="code"
            )
        ],
        responses={204: None},
        description="Remove the link between the case and the related case `case` (regulator staff).",
    )
    @action(detail=True, methods=["post", "delete"], url_path="links", permission_classes=[RegulatorOnly])
    def links(self, request, code=None):
        """Link the case to a related one, or remove a link."""
        case = self.get_object()
        if request.method == "DELETE":
            return self._unlink(request, case)
        payload = CaseLinkInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            link = case_link(
                actor=request.user,
                case=case,
                other=data["case"],
                relation=data["relation"],
                note_ja=data["note_ja"],
                note_en=data["note_en"],
            )
        except DjangoValidationError as error:
            raise _invalid(error) from None
        link.other, link.label, link.direction = data["case"], link.label_from(case), "outgoing"
        body = RelatedCaseSerializer(link, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _unlink(self, request, case: Case) -> Response:
        other = request.query_params.get("case")
        if not other:
            raise serializers.ValidationError({"case": [serializers.Field.default_error_messages["required"]]})
        links = CaseLink.objects.filter(Q(from_case=case, to_case__code=other) | Q(from_case__code=other, to_case=case))
        case_unlink(actor=request.user, link=get_visible_or_404(request, links))
        return Response(status=status.HTTP_204_NO_CONTENT)
