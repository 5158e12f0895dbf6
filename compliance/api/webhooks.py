"""The API of webhooks: a person's own subscriptions (the secret shown once), their deliveries, and sending one again.

Each person sees and changes their own subscriptions only, regulator staff included: anyone else's answers 404, as
one that does not exist.
"""

from __future__ import annotations

import json

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compliance.api.conditional import ETagRetrieveMixin, expected_version
from compliance.api.fields import TextField, TrueOrFalseField
from compliance.api.services import run_service
from compliance.api.strict import StrictRequestMixin
from compliance.models.webhooks import DeliveryStatus, PausedBecause, WebhookDelivery, WebhookEvent, WebhookSubscription
from compliance.webhooks import webhook_change, webhook_delivery_resend, webhook_subscribe, webhook_unsubscribe


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    """A webhook subscription as its owner sees it: never its secret, which the answer to its creation shows once."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    active = serializers.BooleanField(source="is_active", read_only=True, help_text="False while paused.")
    # Declared, as a read-only field built from the model loses its `allow_blank`: "" (not paused) is a value too.
    paused_because = serializers.ChoiceField(
        choices=PausedBecause.choices, allow_blank=True, read_only=True, help_text="Why it is paused; empty while not."
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "version",
            "url",
            "events",
            "description",
            "active",
            "paused_because",
            "paused_at",
            "consecutive_failures",
            "failing_since",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CreatedWebhookSerializer(WebhookSubscriptionSerializer):
    """The answer to a subscription's creation: with its signing secret (`whsec_…`), shown this once only."""

    secret = serializers.SerializerMethodField(help_text="The signing secret: keep it now, it is never shown again.")

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    def get_secret(self, subscription) -> str:
        return self.context["secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event sent to a subscription: its `webhook-id`, the body signed, and how its attempts went."""

    payload = serializers.SerializerMethodField(help_text="The JSON body sent, as sent.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "status",
            "attempts",
            "max_attempts",
            "last_response_code",
            "last_error",
            "next_attempt_at",
            "last_attempt_at",
            "delivered_at",
            "created_at",
            "payload",
        ]
        read_only_fields = fields

    def get_payload(self, delivery) -> dict | None:
        """What was sent; nothing for a delivery withheld because its owner may no longer see the record."""
        return None if delivery.status == DeliveryStatus.WITHHELD else json.loads(delivery.body)


class WebhookCreateSerializer(serializers.Serializer):
    """An address (https) and the events to send to it."""

    url = serializers.URLField(max_length=2000, help_text="An https:// address, without user name or password.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False)
    description = TextField(max_length=200, required=False, allow_blank=True, default="")


class WebhookChangeSerializer(serializers.Serializer):
    """What an owner may change: the address, the events, the description; `active` pauses or resumes it."""

    url = serializers.URLField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False, required=False
    )
    description = TextField(max_length=200, required=False, allow_blank=True)
    active = TrueOrFalseField(required=False, help_text="false pauses the subscription, true resumes it.")


@extend_schema(tags=["webhooks"])
class WebhookViewSet(
    StrictRequestMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in person's webhook subscriptions: deliveries of events, signed to the Standard Webhooks
    specification, to an https address; each event only about records the person may see.

    A subscription has a version, served as its ETag: PATCH and DELETE need `If-Match`, as the changes of every other
    record do (the delivery machinery changes a subscription too, when it counts failures or pauses it).
    """

    serializer_class = WebhookSubscriptionSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # Writes that need no If-Match (read by the schema's hook). A create names no subscription that exists yet. A
    # resend changes one delivery, not the subscription, and overwrites nothing anyone chose: it only sends again,
    # with the same `webhook-id` and body, an event the owner asks for now (one not yet sent goes out anyway).
    unconditional_actions = frozenset({"create", "resend"})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no person
            return WebhookSubscription.objects.none()
        return WebhookSubscription.objects.filter(owner=self.request.user)

    @extend_schema(
        request=WebhookCreateSerializer,
        responses={201: CreatedWebhookSerializer},
        description="Subscribe an address to events. The answer holds the signing secret, shown this once only.",
    )
    def create(self, request, *args, **kwargs):
        given = WebhookCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        subscription, secret = run_service(
            request, lambda: webhook_subscribe(actor=request.user, **given.validated_data)
        )
        shown = CreatedWebhookSerializer(subscription, context={"secret": secret})
        return Response(shown.data, status=status.HTTP_201_CREATED, headers={"ETag": subscription.etag})

    @extend_schema(
        request=WebhookChangeSerializer,
        responses={200: WebhookSubscriptionSerializer},
        description=(
            'Change the address, the events or the description; `"active": false` pauses, `true` resumes. '
            "A change that changes nothing keeps the version."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        subscription = self.get_object()
        version = expected_version(request)  # 428 without it, whatever the body says
        given = WebhookChangeSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        changed = run_service(
            request,
            lambda: webhook_change(
                actor=request.user, subscription=subscription, version=version, **given.validated_data
            ),
        )
        return Response(self.get_serializer(changed).data, headers={"ETag": changed.etag})

    @extend_schema(request=None, responses={204: None}, description="Remove the subscription and its deliveries.")
    def destroy(self, request, *args, **kwargs):
        subscription = self.get_object()
        version = expected_version(request)
        run_service(
            request, lambda: webhook_unsubscribe(actor=request.user, subscription=subscription, version=version)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=WebhookDeliverySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="deliveries")
    def deliveries(self, request, *args, **kwargs):
        """The subscription's deliveries, newest first."""
        subscription = self.get_object()
        page = self.paginate_queryset(subscription.deliveries.order_by("-created_at", "-pk"))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            400: inline_serializer("WebhookResendRefused", {"detail": serializers.CharField()}),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[0-9]+)/resend")
    def resend(self, request, *args, delivery_id: str, **kwargs):
        """Send a delivery again now, with the same `webhook-id` and body (its attempts renewed)."""
        subscription = self.get_object()
        delivery = get_object_or_404(subscription.deliveries, pk=delivery_id)
        resent = run_service(request, lambda: webhook_delivery_resend(actor=request.user, delivery=delivery))
        return Response(WebhookDeliverySerializer(resent).data, status=status.HTTP_202_ACCEPTED)
