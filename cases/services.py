"""Writes of the cases app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.choices import CaseRelation
from cases.models import Case, CaseLink
from compliance.access import is_regulator

if TYPE_CHECKING:
    from compliance.models import User


# Related cases ------------------------------------------------------------------------------------------


def case_link(*, actor: User, case: Case, other: Case, relation: str, note_ja: str = "", note_en: str = "") -> CaseLink:
    """Regulator staff link a case to a related one: one link per pair of cases, never a case to itself."""
    if not is_regulator(actor):
        raise PermissionDenied(_("Only regulator staff can link cases."))
    if relation not in CaseRelation.values:
        raise ValidationError({"relation": _("Choose how the cases are related.")})
    if other.pk == case.pk:
        raise ValidationError({"other": _("A case cannot be linked to itself.")})
    with transaction.atomic():
        # Both cases locked in one order: two people linking the same pair at once wait for each other.
        list(Case.objects.select_for_update().filter(pk__in=[case.pk, other.pk]).order_by("pk"))
        if CaseLink.objects.filter(Q(from_case=case, to_case=other) | Q(from_case=other, to_case=case)).exists():
            raise ValidationError({"other": _("These two cases are linked already.")})
        return CaseLink.objects.create(
            from_case=case, to_case=other, relation=relation, note_ja=note_ja.strip(), note_en=note_en.strip()
        )


def case_unlink(*, actor: User, link: CaseLink) -> None:
    """Regulator staff remove a link between two cases; a link removed already is no error."""
    if not is_regulator(actor):
        raise PermissionDenied(_("Only regulator staff can link cases."))
    with transaction.atomic():
        CaseLink.objects.filter(pk=link.pk).delete()
