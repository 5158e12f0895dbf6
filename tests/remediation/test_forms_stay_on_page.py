"""A refused form stays on its page: the input kept, the reasons beside the fields, status 400 (409 when stale)."""

import pytest
from django.urls import reverse

from cases.models import Case
from remediation.models import DeadlineChange, Implementation, ProgressUpdate
from remediation.services.deadline_changes import deadline_change_request
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


@pytest.fixture
def update(officers) -> ProgressUpdate:
    return submit_update(officers["chugoku-td"], narrative="工程表を作成中です。")


def review(client, update, **data):
    url = reverse("remediation:progress_update_review", args=[update.pk])
    return client.post(url, {"version": update.version, **data})


def test_asking_for_information_without_a_comment_stays_on_the_update_with_the_choice_kept(update, regulator_staff):
    client = signed_in(regulator_staff)
    response = review(client, update, decision="request_info", comment="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "記録されませんでした" not in page
    assert "工程表を作成中です。" in page  # the update's own page
    assert 'value="request_info" checked' in page
    assert 'aria-invalid="true"' in page and 'role="alert"' in page
    update.refresh_from_db()
    assert update.review_state == "submitted"


def test_a_stale_review_answers_409_on_the_same_page_with_the_comment_kept(update, regulator_staff):
    client = signed_in(regulator_staff)
    response = review(client, update, decision="request_info", comment="詳しく", version=update.version + 5)
    assert response.status_code == 409
    page = response.content.decode()
    assert "工程表を作成中です。" in page and "詳しく</textarea>" in page


@pytest.fixture
def change(officers) -> DeadlineChange:
    item = Implementation.objects.get(company__code="chugoku-td", measure__kind="project")
    return deadline_change_request(
        actor=officers["chugoku-td"],
        item=item,
        item_version=item.version,
        proposed=item.window_end.replace(year=item.window_end.year + 1),
        reason="移行作業の遅れのため",
    )


def test_the_deadline_decision_has_a_page_of_its_own_linked_from_the_list(change, regulator_staff):
    client = signed_in(regulator_staff)
    url = reverse("remediation:deadline_change_decide", args=[change.pk])
    listing = client.get(reverse("remediation:deadline_change_list")).content.decode()
    assert f'href="{url}"' in listing
    assert "<textarea" not in listing  # no form crammed into a table cell
    page = client.get(url)
    assert page.status_code == 200
    assert "移行作業の遅れのため" in page.content.decode() and 'name="approve"' in page.content.decode()


def test_refusing_without_a_reason_stays_on_the_decision_page_with_the_choice_kept(change, regulator_staff):
    client = signed_in(regulator_staff)
    url = reverse("remediation:deadline_change_decide", args=[change.pk])
    response = client.post(url, {"version": change.version, "approve": "no", "comment": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "記録されませんでした" not in page and "移行作業の遅れのため" in page
    assert 'value="no"' in page and "checked" in page
    assert 'class="errors" role="alert"' in page
    change.refresh_from_db()
    assert change.state == "pending"
    assert client.post(url, {"version": change.version, "approve": "no", "comment": "期限内に"}).status_code == 302


def test_officers_do_not_reach_the_decision_page(change, officers):
    url = reverse("remediation:deadline_change_decide", args=[change.pk])
    assert signed_in(officers["chugoku-td"], second_factor=False).get(url).status_code == 404


def test_a_refused_reporting_duty_stays_on_the_item_page_with_the_input_kept(regulator_staff):
    item = Implementation.objects.get(company__code="chugoku-td", measure__kind="project")
    url = reverse("remediation:reporting_duty_set", args=[item.item_kind, item.pk])
    response = signed_in(regulator_staff).post(url, {"version": item.version, "every": "monthly", "since": "32日"})
    assert response.status_code == 400
    page = response.content.decode()
    assert item.measure.code in page
    assert 'value="monthly" selected' in page and 'value="32日"' in page
    assert "令和8年3月1日のような形式で日付を入力してください" in page


def test_a_sister_company_is_told_that_other_companies_updates_are_not_shown(officers):
    item = Implementation.objects.filter(company__code="kansai-td").exclude(status="done").order_by("pk").first()
    submit_update(officers["kansai-td"], item=item, narrative="関西送配電の報告")
    page = signed_in(officers["kansai-retail"], second_factor=False).get(item.get_tracking_url()).content.decode()
    assert "関西送配電の報告" not in page
    assert "他社の進捗報告は表示されません" in page
    assert "<p>進捗報告はまだありません。</p>" not in page
    own = signed_in(officers["kansai-td"], second_factor=False).get(item.get_tracking_url()).content.decode()
    assert "関西送配電の報告" in own and "他社の進捗報告は表示されません" not in own


def test_a_refused_case_link_stays_on_the_case_page_with_the_input_kept(case, regulator_client):
    url = reverse("cases:case_link_add", args=[case.code])
    response = regulator_client.post(url, {"other": case.code, "relation": "follow_up", "note_ja": "自分自身"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "自分自身" in page and "<details open>" in page
    assert Case.objects.get(pk=case.pk).title_ja in page
