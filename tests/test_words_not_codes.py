"""Things are named in words first, codes second, everywhere a person reads.

An officer who reads "td-1-m3" cannot tell that it is the physical split of the shared systems, due 2031-03-31. This
walks every page a person reaches from the navigation (as regulator staff, as a company's officer, and anonymously on
the public portal), reads the mails the reminder sweep and the regulator's digest send and the calendar feed, and fails
where an item's, a measure's or a finding's code stands without words before it: as the text of a heading (h1-h3), a
link or a table cell, as a mail subject or an item line of a mail, or as a calendar event's SUMMARY.

"Words" are what is left once the codes, the companies' and groups' names, dates, bare labels ("Measure", "措置") and
punctuation are taken away: "td-1-m3 — 関西電力送配電(株)" has none, "Measure td-1-m3" has none, and a link "td-1-m3"
followed by the measure's text in the same cell still puts the code first.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cases.models import Finding
from compliance.choices import Role
from compliance.models import Company, CompanyGroup
from remediation.calendar import calendar_feed_issue
from remediation.models import Implementation, Measure
from remediation.services.deadline_changes import deadline_change_request
from remediation.services.reminders import reminder_sweep
from remediation.tasks import send_regulator_digest
from tests.clock import on_day
from tests.conftest import make_person, signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = datetime.date(2026, 11, 25)

# Where a person reads names: the text of these elements is checked.
NAMING_ELEMENTS = {"h1", "h2", "h3", "a", "td", "th", "title"}
# Pages the walk does not open: downloads, sign-out, the API and the admin, other languages' switches.
SKIPPED = re.compile(r"^/(static|media|api|admin|accounts/logout|i18n|public/language)/|\.(ics|pdf|csv|xlsx)$")
# At most this many pages of one shape (`/items/implementation/<n>/`): enough to see each template with rows.
PER_SHAPE = 3
MAX_PAGES = 400
# Bare labels that name a kind of thing, not the thing.
LABELS = (
    "Measure", "Finding", "Incident", "Incidents", "Item", "Pair", "措置", "改善措置", "指摘事項", "指摘", "事象",
    "Due", "Window ends", "期限", "期間終了",
)  # fmt: skip
DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?|(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2}月)?(\d{1,2}日)?")


def codes_pattern() -> re.Pattern:
    """The codes of the loaded report's findings and measures, as whole words (`td-1`, `td-1-m3`)."""
    codes = {*Finding.objects.values_list("code", flat=True), *Measure.objects.values_list("code", flat=True)}
    alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def names_pattern() -> re.Pattern:
    """Companies' and groups' names in both languages: they say who, not what."""
    names = set()
    for model in (Company, CompanyGroup):
        for name_ja, name_en in model.objects.values_list("name_ja", "name_en"):
            names |= {name_ja, name_en} - {""}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(alternatives)


class Naming:
    """The check: a code in a name must come after words."""

    def __init__(self) -> None:
        self.codes = codes_pattern()
        self.names = names_pattern()

    def words(self, text: str) -> str:
        """What of `text` is words: no codes, names, dates, bare labels, numbers in brackets or punctuation."""
        text = self.codes.sub(" ", text)
        text = self.names.sub(" ", text)
        text = DATE.sub(" ", text)
        text = re.sub(r"\(\d+\)|（\d+）|\[[^\]]*\]", " ", text)
        for label in LABELS:
            text = re.sub(rf"(?<!\w){re.escape(label)}(?!\w)", " ", text)
        return re.sub(r"[\W_]+", "", text)

    def problem(self, text: str) -> str | None:
        """Why `text` names something by its code, or None when it leads with words (or has no code)."""
        text = " ".join(text.split())
        found = self.codes.search(text)
        if found is None:
            return None
        if not self.words(text[: found.start()]):
            return f"the code {found.group()} comes before any words: {text[:120]!r}"
        return None


class ElementTexts(HTMLParser):
    """The text of every heading, link, table cell and the page title, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, list[str]]] = []
        self.texts: list[tuple[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag in NAMING_ELEMENTS:
            self.open.append((tag, []))

    def handle_endtag(self, tag):
        if tag not in NAMING_ELEMENTS:
            return
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                name, parts = self.open.pop(index)
                self.texts.append((name, "".join(parts)))
                return

    def handle_data(self, data):
        for _tag, parts in self.open:
            parts.append(data)


def shape(path: str) -> str:
    """A path with its numbers as `<n>`: pages of one shape render one template."""
    return re.sub(r"/\d+(?=/|$)", "/<n>", path)


def walk(client: Client, start: str, naming: Naming) -> tuple[list[str], list[str]]:
    """Open every page reachable by links from `start` (no query strings); return the pages seen and the problems."""
    queue, seen, shapes, problems = [start], set(), Counter(), []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen or shapes[shape(path)] >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape(path)] += 1
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = ElementTexts()
        parser.feed(response.content.decode())
        for tag, text in parser.texts:
            problem = naming.problem(text)
            if problem:
                problems.append(f"{path} <{tag}>: {problem}")
        for href in parser.links:
            target = urldefrag(href).url
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or parts.query or not parts.path.startswith("/"):
                continue
            if not SKIPPED.search(parts.path) and parts.path not in seen:
                queue.append(parts.path)
    return sorted(seen), problems


@pytest.fixture
def naming(db) -> Naming:
    return Naming()


def test_the_check_catches_names_made_of_codes(naming):
    """The old names fail; names in words with the code beside them pass."""
    failing = [
        "td-1-m3 — 関西電力送配電(株)",
        "Measure td-1-m3",
        "措置 td-1-m3",
        "td-1-m3",
        "td-1-m3 新電力顧客の個人データが閲覧可能となっていたシステム",  # a code link followed by text in one cell
        "Finding td-1",
        "[Compliance case tracker] Due: td-1-m3 — Kansai Transmission and Distribution, Inc.",
    ]
    passing = [
        "現在も本件システムの物理的分割がなされていない一般送配電事業者は… — 関西電力送配電(株)、2026-03〜2031-03-31"
        " td-1-m3",
        "Took information-blocking measures by hiding or masking… td-1-m1",
        "関西電力送配電(株)",
        "2031-03-31",
    ]
    assert [text for text in failing if naming.problem(text) is None] == []
    assert [text for text in passing if naming.problem(text) is not None] == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_pages_reached_from_the_navigation_name_things_in_words(case, officers, regulator_staff, naming, language):
    officer = officers["kansai-td"]
    submit_update(officer)
    item = Implementation.objects.filter(company=officer.company, window_end__isnull=False).first()
    deadline_change_request(
        actor=officer,
        item=item,
        item_version=item.version,
        proposed=item.window_end.replace(year=item.window_end.year + 1),
        reason="vendor delay",
    )
    with on_day(TODAY):
        reminder_sweep(today=TODAY)
    walks = {
        "regulator": (signed_in(regulator_staff), "/"),
        "officer": (signed_in(officer, second_factor=False), "/"),
        "public": (Client(), reverse("public:case_list")),
    }
    problems, seen = [], {}
    for who, (client, start) in walks.items():
        client.cookies["django_language"] = language
        pages, found = walk(client, start, naming)
        seen[who] = pages
        problems += [f"{who}: {problem}" for problem in found]
    # The walks reach the pages that name items: the item page, the lists, the review queue, the public case.
    assert any(p.startswith("/items/") for p in seen["regulator"]), seen["regulator"]
    assert any(p.startswith("/items/") for p in seen["officer"]), seen["officer"]
    assert any(p.startswith("/public/cases/") or p.count("/") > 2 for p in seen["public"]), seen["public"]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_mails_of_the_sweep_and_the_digest_name_items_in_words(
    case, officers, regulator_staff, naming, language, django_capture_on_commit_callbacks
):
    for person in [*officers.values(), regulator_staff]:
        person.email = f"{person.username}@example.invalid"
        person.language = language
        person.save()
    mail.outbox.clear()
    with on_day(TODAY), django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=TODAY)
    send_regulator_digest(TODAY.isoformat())
    assert len(mail.outbox) > 2
    problems = []
    for message in mail.outbox:
        if naming.problem(message.subject):
            problems.append(f"subject to {message.to}: {naming.problem(message.subject)}")
        for line in message.body.splitlines():
            if line.startswith("- ") and naming.problem(line[2:]):
                problems.append(f"body to {message.to}: {naming.problem(line[2:])}")
    # The subject names the first item (its words, then its code in brackets), not only how many there are.
    officer_mail = next(m for m in mail.outbox if m.to == ["officer-kansai-td@example.invalid"])
    assert re.search(r"\w.* — .*\[[^\]]+\]$", officer_mail.subject), officer_mail.subject
    assert problems == []


@pytest.mark.parametrize("role", [Role.REGULATOR_STAFF, Role.COMPANY_OFFICER])
def test_calendar_events_are_summarised_in_words(case, officers, naming, role):
    person = officers["kansai-td"] if role == Role.COMPANY_OFFICER else make_person("calendar-staff", role)
    token = calendar_feed_issue(actor=person)
    body = Client().get(reverse("remediation:calendar_feed_ics", args=[token])).content.decode()
    unfolded = body.replace("\r\n ", "")
    summaries = [line.removeprefix("SUMMARY:") for line in unfolded.split("\r\n") if line.startswith("SUMMARY:")]
    assert summaries
    # "Due: …", "期限: …": the event's kind is a label; what follows must name the item in words.
    names = [summary.replace("\\,", ",").replace("\\;", ";").split(": ", 1)[-1] for summary in summaries]
    problems = [naming.problem(name) for name in names]
    assert [problem for problem in problems if problem] == []


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("外部専門家による研修を行うこととした。", "外部専門家による研修を行うこととした。"),  # short enough: whole
        (  # cut at the clause boundary 、 in the second half of the limit
            "現在も本件システムの物理的分割がなされていない一般送配電事業者は、他の一連の措置により本件システムの論理的分割を",
            "現在も本件システムの物理的分割がなされていない一般送配電事業者は…",
        ),
        (  # not inside a bracket left open
            "新電力顧客の個人データが閲覧可能となっていたシステム（以下「本件システム」という。）の画面における当該情報の非表示",
            "新電力顧客の個人データが閲覧可能となっていたシステム…",
        ),
        (  # English: at a word boundary, never inside a word
            "The general transmission and distribution operators whose Systems have still not been physically split",
            "The general transmission and distribution operators whose…",
        ),
        ("Decided to hold training by external experts.", "Decided to hold training by external experts."),
    ],
)
def test_texts_are_shortened_at_a_boundary(text, short):
    from compliance.wording import shorten

    assert shorten(text) == short
