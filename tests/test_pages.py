"""Every page answers in both languages, with the report's content and era dates in Japanese."""

import pytest
from django.urls import reverse

from cases.models import Finding, Incident
from compliance.models import Company
from remediation.models import Measure

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def page_urls(case) -> list[str]:
    """Every server-rendered page of the loaded report."""
    urls = [
        reverse("cases:case_list"),
        reverse("cases:case_detail", args=[case.code]),
        reverse("cases:finding_list", args=[case.code]),
        reverse("cases:incident_list", args=[case.code]),
        reverse("remediation:open_item_list", args=[case.code]),
        reverse("remediation:company_list"),
    ]
    urls += [f.get_absolute_url() for f in Finding.objects.filter(case=case)]
    urls += [m.get_absolute_url() for m in Measure.objects.filter(finding__case=case).select_related("finding__case")]
    urls += [i.get_absolute_url() for i in Incident.objects.filter(pair__case=case).select_related("pair__case")]
    urls += [c.get_absolute_url() for c in Company.objects.all()]
    return urls


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_answers_200_in_both_languages(regulator_client, case, language):
    client = regulator_client
    client.cookies["django_language"] = language
    urls = page_urls(case)
    assert len(urls) == 6 + 8 + 29 + 23 + 17
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.content.decode(), url


def test_japanese_pages_show_iso_and_era_dates(regulator_client, case):
    client = regulator_client
    client.cookies["django_language"] = "ja"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "2024-03-06（令和6年3月6日）" in page
    assert "2023-06-29（令和5年6月29日）" in page
    # The physical-split window: from 令和8年3月 to the end of 令和13年3月.
    assert "2026-03（令和8年3月）" in page
    assert "2031-03-31（令和13年3月31日）" in page


def test_english_pages_show_the_translation_and_keep_the_original(regulator_client, case):
    client = regulator_client
    client.cookies["django_language"] = "en"
    finding = Finding.objects.get(case=case, code="td-2")
    page = client.get(finding.get_absolute_url()).content.decode()
    assert finding.text_en in page
    assert f'<p lang="ja">{finding.text_ja}</p>' in page
    assert "2024-03-06（" not in client.get(case.get_absolute_url()).content.decode()


def test_the_language_switch_remembers_the_choice(regulator_client, case):
    client = regulator_client
    response = client.post(reverse("set_language"), {"language": "en", "next": case.get_absolute_url()})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(case.get_absolute_url()).content.decode()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_language_switch_names_each_language_in_itself(regulator_client, client, case, language):
    """Not 「英語」 on a Japanese page, nor "Japanese" on an English one: each language in its own words."""
    for some_client, url in ((regulator_client, case.get_absolute_url()), (client, reverse("public:case_list"))):
        some_client.cookies["django_language"] = language
        page = some_client.get(url).content.decode()
        assert 'lang="ja">日本語<' in page and 'lang="en">English<' in page, url
        assert "英語" not in page.split("<main", 1)[0] and "Japanese<" not in page, url


def test_the_main_menu_marks_the_current_page(regulator_client, case):
    page = regulator_client.get(reverse("remediation:implementation_list")).content.decode()
    assert f'<a href="{reverse("remediation:implementation_list")}" aria-current="page">' in page
    header = page.split("<main", 1)[0]
    assert header.count('aria-current="page"') == 1


def test_incident_pages_mark_undescribed_incidents(regulator_client, case):
    client = regulator_client
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("cases:incident_list", args=[case.code])).content.decode()
    for total in (4, 3, 5, 11):
        assert f"合計{total}件" in page
    undescribed = Incident.objects.filter(pair__case=case, described_in_report=False).first()
    assert client.get(undescribed.get_absolute_url()).status_code == 200


def test_a_company_page_shows_everything_that_concerns_it(regulator_client, case):
    client = regulator_client
    client.cookies["django_language"] = "ja"
    page = client.get(reverse("remediation:company_detail", args=["kansai-retail"])).content.decode()
    assert "関西電力(株)" in page
    assert "関西電力送配電(株)" in page  # the sister company, named as separate
    assert "rt-1" in page and "rt-3" in page
    investigation = Incident.objects.get(pair__case=case, pair__group__code="kansai", label="ア")
    assert investigation.get_absolute_url() in page  # the investigation of its pair


@pytest.mark.parametrize(
    "url",
    [
        "/cases/no-such-case/",
        "/cases/ppc-2024-utilities/findings/td-99/",
        "/cases/ppc-2024-utilities/findings/td-1/measures/td-2-m1/",
        "/cases/ppc-2024-utilities/incidents/1/99/",
        "/companies/no-such-company/",
    ],
)
def test_missing_records_answer_404(regulator_client, case, url):
    client = regulator_client
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("cases:case_detail", 15),  # + its related cases, both ways, in one query; its authorities; actions' addressees
        ("cases:finding_list", 12),  # + law references (with their laws), safeguard types of the filter form
        ("cases:incident_list", 10),  # + the company typed in the filter form, when given
        ("remediation:open_item_list", 10),  # + safeguard types of the filter form
    ],
)
def test_case_pages_issue_a_fixed_number_of_queries(regulator_client, case, django_assert_num_queries, name, queries):
    client = regulator_client
    with django_assert_num_queries(queries):
        client.get(reverse(name, args=[case.code]))


def test_company_pages_issue_a_fixed_number_of_queries(regulator_client, case, django_assert_num_queries):
    client = regulator_client
    with django_assert_num_queries(5):  # a page of 100 and their count; groups are typed by code, no menu
        client.get(reverse("remediation:company_list"))
    with django_assert_num_queries(15):  # + the cases that concern it, with its open items in each
        client.get(reverse("remediation:company_detail", args=["kansai-td"]))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_implementation_list_and_the_calendar_page_answer_in_both_languages(regulator_client, case, language):
    client = regulator_client
    client.cookies["django_language"] = language
    for url in [reverse("remediation:implementation_list"), reverse("remediation:calendar_feed")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.content.decode(), url


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [
        ("remediation:implementation_list", [], 6),
        ("cases:finding_list", ["ppc-2024-utilities"], 12),
        ("remediation:company_list", [], 5),
    ],
)
def test_searched_and_filtered_lists_issue_a_fixed_number_of_queries(
    regulator_client, case, django_assert_num_queries, name, args, queries
):
    client = regulator_client
    # A search adds no query; a choice that is set costs one, to look it up.
    for params in [{}, {"q": "電力 ＫＡＮＳＡＩ"}]:
        with django_assert_num_queries(queries):
            client.get(reverse(name, args=args), params)
