"""API representations of companies and groups."""

from rest_framework import serializers

from compliance.models import Company, CompanyGroup


class CompanyGroupSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = CompanyGroup
        fields = ["id", "url", "code", "name_ja", "name_en"]
        extra_kwargs = {"url": {"view_name": "api:companygroup-detail", "lookup_field": "code"}}


class CompanySerializer(serializers.HyperlinkedModelSerializer):
    group = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Company
        fields = ["id", "url", "code", "name_ja", "name_en", "kind", "group"]
        extra_kwargs = {"url": {"view_name": "api:company-detail", "lookup_field": "code"}}
