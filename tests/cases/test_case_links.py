"""Related cases: linked by regulator staff on the case's page or through the API, shown both ways."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from cases.choices import CaseRelation
from cases.models import CaseLink
from cases.services import case_link, case_unlink
from tests.cases.factories import SECOND_TITLE_EN, SECOND_TITLE_JA, second_case
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1"


@pytest.fixture
def second(case):
    return second_case()


def test_a_link_is_made_once_per_pair_and_never_to_itself(case, second, regulator_staff, officers):
    link = case_link(
        actor=regulator_staff, case=case, other=second, relation=CaseRelation.FOLLOW_UP, note_ja=" 後続の事案 "
    )
    assert (link.from_case, link.to_case, link.note_ja) == (case, second, "後続の事案")
    with pytest.raises(ValidationError):  # the same pair, the other way round
        case_link(actor=regulator_staff, case=second, other=case, relation=CaseRelation.SAME_EVENTS)
    with pytest.raises(ValidationError):
        case_link(actor=regulator_staff, case=case, other=case, relation=CaseRelation.SAME_EVENTS)
    with pytest.raises(ValidationError):
        case_link(actor=regulator_staff, case=second, other=case, relation="cousin")
    with pytest.raises(PermissionDenied):
        case_link(actor=officers["kansai-td"], case=second, other=case, relation=CaseRelation.SAME_COMPANIES)
    with pytest.raises(PermissionDenied):
        case_unlink(actor=officers["kansai-td"], link=link)
    case_unlink(actor=regulator_staff, link=link)
    assert not CaseLink.objects.exists()
    case_unlink(actor=regulator_staff, link=link)  # removed already: no error


def test_the_database_refuses_a_second_link_of_a_pair_and_a_link_to_itself(case, second):
    CaseLink.objects.create(from_case=case, to_case=second, relation=CaseRelation.SAME_COMPANIES)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseLink.objects.create(from_case=second, to_case=case, relation=CaseRelation.SAME_COMPANIES)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseLink.objects.create(from_case=case, to_case=case, relation=CaseRelation.SAME_COMPANIES)


def test_both_case_pages_show_the_link_with_the_relation_read_from_each_side(case, second, regulator_client):
    client = regulator_client
    url = reverse("cases:case_link_add", args=[case.code])
    response = client.post(url, {"other": "ｓｅｃｏｎｄ-case", "relation": "follow_up", "note_en": "Same meters."})
    assert response.status_code == 302 and response.url.endswith("#related-heading")
    link = CaseLink.objects.get()
    assert (link.from_case, link.to_case, link.note_en) == (case, second, "Same meters.")
    first_page = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Related cases" in first_page and SECOND_TITLE_EN in first_page and "Follow-up of this case" in first_page
    assert "Same meters." in first_page
    second_page = client.get(second.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert escape(case.title_en) in second_page and "Case this one follows up" in second_page
    # The same pair again, or an unknown code: nothing more is linked, and the page says why.
    client.post(reverse("cases:case_link_add", args=[second.code]), {"other": case.code, "relation": "same_events"})
    client.post(url, {"other": "no-such-case", "relation": "same_events"})
    assert CaseLink.objects.count() == 1
    remove = reverse("cases:case_link_remove", args=[second.code, link.pk])
    assert client.post(remove).status_code == 302
    assert not CaseLink.objects.exists()
    assert SECOND_TITLE_EN not in client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_officers_see_related_cases_but_cannot_link_or_unlink(case, second, officers, regulator_staff):
    link = case_link(actor=regulator_staff, case=case, other=second, relation=CaseRelation.SAME_COMPANIES)
    officer = signed_in(officers["kansai-td"], second_factor=False)
    page = officer.get(case.get_absolute_url()).content.decode()
    assert SECOND_TITLE_JA in page
    assert reverse("cases:case_link_add", args=[case.code]) not in page
    assert reverse("cases:case_link_remove", args=[case.code, link.pk]) not in page
    add = officer.post(
        reverse("cases:case_link_add", args=[second.code]), {"other": case.code, "relation": "follow_up"}
    )
    assert add.status_code == 404
    assert officer.post(reverse("cases:case_link_remove", args=[case.code, link.pk])).status_code == 404
    assert (
        officer.post(f"{API}/cases/{case.code}/links/", {"case": second.code, "relation": "follow_up"}).status_code
        == 404
    )
    assert officer.delete(f"{API}/cases/{case.code}/links/?case={second.code}").status_code == 404
    assert CaseLink.objects.get() == link


def test_a_link_is_removed_only_through_one_of_its_cases(case, second, regulator_client, regulator_staff):
    third = second_case(code="third-case", companies=("okinawa", "kyushu-td"))
    link = case_link(actor=regulator_staff, case=case, other=second, relation=CaseRelation.SAME_COMPANIES)
    assert regulator_client.post(reverse("cases:case_link_remove", args=[third.code, link.pk])).status_code == 404
    assert CaseLink.objects.filter(pk=link.pk).exists()


def test_the_api_shows_related_cases_and_lets_regulator_staff_link_and_unlink(case, second, regulator_client):
    client = regulator_client
    links = f"{API}/cases/{case.code}/links/"
    created = client.post(
        links,
        {"case": second.code, "relation": "other_regulator", "note_ja": "他機関の事案"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["case"], body["relation"], body["direction"], body["note_ja"]) == (
        second.code, "other_regulator", "outgoing", "他機関の事案"
    )  # fmt: skip
    assert body["url"].endswith(f"/api/v1/cases/{second.code}/")
    [related] = client.get(f"{API}/cases/{second.code}/").json()["related"]
    assert (related["case"], related["direction"], related["relation"]) == (case.code, "incoming", "other_regulator")
    assert "related" not in client.get(f"{API}/cases/").json()["results"][0]  # the list stays as it was

    again = client.post(links, {"case": second.code, "relation": "same_events"}, content_type="application/json")
    assert again.status_code == 400 and again["Content-Type"].startswith("application/problem+json")
    assert "case" in again.json()["errors"]
    itself = client.post(links, {"case": case.code, "relation": "same_events"}, content_type="application/json")
    assert itself.status_code == 400 and "case" in itself.json()["errors"]
    unknown = client.post(links, {"case": "no-such-case", "relation": "same_events"}, content_type="application/json")
    assert unknown.status_code == 400
    assert client.delete(links).status_code == 400  # which link: `?case=` is needed

    assert client.delete(f"{API}/cases/{second.code}/links/?case={case.code}").status_code == 204
    assert not CaseLink.objects.exists()
    missing = client.delete(f"{links}?case={second.code}")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/problem+json")


def test_the_case_page_reads_its_links_in_one_query(case, second, regulator_client, regulator_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = case.get_absolute_url()
    with CaptureQueriesContext(connection) as without:
        regulator_client.get(url)
    for n in range(3):
        other = second if n == 0 else second_case(code=f"more-{n}", companies=("okinawa", "kyushu-td"))
        case_link(
            actor=regulator_staff, case=case if n % 2 else other, other=other if n % 2 else case, relation="same_events"
        )
    with CaptureQueriesContext(connection) as with_links:
        page = regulator_client.get(url).content.decode()
    assert page.count('class="inline"') == 3
    assert len(with_links) == len(without)


def test_the_regulators_notes_on_a_link_are_its_own(case, regulator_staff, officers):
    other = second_case()
    case_link(actor=regulator_staff, case=case, other=other, relation="same_companies", note_ja="内部メモ")
    officer_view = signed_in(officers["kansai-td"]).get(f"/api/v1/cases/{case.code}/").json()["related"]
    assert officer_view and officer_view[0]["note_ja"] == ""
    assert "内部メモ" not in signed_in(officers["kansai-td"]).get(case.get_absolute_url()).content.decode()
    regulator_view = signed_in(regulator_staff).get(f"/api/v1/cases/{case.code}/").json()["related"]
    assert regulator_view[0]["note_ja"] == "内部メモ"
