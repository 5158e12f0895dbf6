"""The API's filters of actions and findings: by instrument, law reference and law, each row once."""

import django_filters

from cases.models import Finding, RegulatoryAction
from compliance.api.filtering import ApiFilterSet


def code_filter(field_name: str, help_text: str) -> django_filters.CharFilter:
    # distinct: a finding citing two references of one law is listed once.
    return django_filters.CharFilter(field_name=field_name, distinct=True, label=help_text)


class RegulatoryActionFilterSet(ApiFilterSet):
    """Actions by instrument (`kind`, its code), law of the instrument, law reference, law cited, issuing authority
    and date (one day: `date__gte` and `date__lte` both set to it; a parameter named `date` alone would clash with a
    type of the generated TypeScript client)."""

    kind = code_filter("instrument__code", "The instrument's code.")
    instrument__law__code = code_filter("instrument__law__code", "The code of the instrument's law.")
    articles__code = code_filter("articles__code", "The code of a law reference the action cites.")
    articles__law__code = code_filter("articles__law__code", "The code of a law the action cites.")
    issuer__code = code_filter("issuer__code", "The code of the authority that issued the action.")

    class Meta:
        model = RegulatoryAction
        fields = {"date": ["gte", "lte"]}


class FindingFilterSet(ApiFilterSet):
    """Findings by side, law reference, law, safeguard type and company concerned."""

    articles__code = code_filter("articles__code", "The code of a law reference the finding cites.")
    # The former name, for clients that filter by one article.
    article__code = code_filter("articles__code", "The code of a law reference the finding cites.")
    articles__law__code = code_filter("articles__law__code", "The code of a law the finding cites.")
    safeguard_types__code = code_filter("safeguard_types__code", "A safeguard type's code.")
    affected_companies__code = code_filter("affected_companies__code", "A concerned company's code.")

    class Meta:
        model = Finding
        fields = ["side"]
