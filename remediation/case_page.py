"""What the case page and a finding's pages show of remediation, registered into cases from the app's ready()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from remediation import selectors

if TYPE_CHECKING:
    from cases.models import Case
    from compliance.models import User


def case_page_section(*, user: User, case: Case) -> dict:
    """The case's items: how many are in each status, and the windows still open."""
    return {
        "status_counts": selectors.implementation_status_counts(user=user, case=case),
        "windows": selectors.open_windows(user=user, case=case),
    }
