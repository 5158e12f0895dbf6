"""What a person meets on a page, measured in Chromium: accessibility (axe-core), width on a phone, squeezed cells.

axe-core is vendored for the tests in tests/browser/vendor/axe-core (MPL-2.0, unchanged from the npm registry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# A cell whose text wraps to lines this short is squeezed: Japanese read one or two characters a line.
SQUEEZED_CHARACTERS_PER_LINE = 2

AXE_RUN_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    count: violation.nodes.length,
    targets: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
  }));
}
"""

# The page's width beyond the window's, in CSS pixels (0 when nothing sticks out).
OVERFLOW_JS = "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"

# Table cells whose text the layout wraps to at most two characters a line: [text, lines].
SQUEEZED_CELLS_JS = """
(limit) => {
  // Text kept for screen readers only (a table's header row when rows show as cards) is clipped to a pixel.
  const clipped = (element) => {
    for (let box = element; box; box = box.parentElement) {
      const rect = box.getBoundingClientRect();
      if ((rect.width <= 1 || rect.height <= 1) && getComputedStyle(box).overflow !== "visible") return true;
    }
    return false;
  };
  const squeezed = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    const text = cell.innerText.replace(/\\s+/g, " ").trim();
    if (text.length <= limit || cell.getBoundingClientRect().width === 0 || clipped(cell)) continue;
    const tops = new Set();
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // A closed <details> keeps laying out its content, unseen.
      if (!node.parentElement.checkVisibility()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top / 4));
    }
    if (tops.size > 1 && text.length / tops.size <= limit) squeezed.push([text.slice(0, 40), tops.size]);
  }
  return squeezed;
}
"""

# Same-site links a person can follow from the page's navigation and main content (no downloads, no filters).
LINKS_JS = """
(selector) => [...document.querySelectorAll(selector)]
  .map((link) => link.getAttribute("href") ?? link.getAttribute("xlink:href"))
  .filter((href) => href && !href.startsWith("#"))
  .map((href) => { const url = new URL(href, location.href); url.hash = ""; return url.href; })
  .filter((href) => href.startsWith(location.origin))
"""


@dataclass
class PageFindings:
    """What one page showed at one size."""

    name: str
    url: str
    size: str
    violations: list[dict] = field(default_factory=list)
    overflow: int = 0
    squeezed: list[list] = field(default_factory=list)

    def blocking_violations(self) -> list[dict]:
        return [violation for violation in self.violations if violation["impact"] in BLOCKING_IMPACTS]

    def problems(self) -> list[str]:
        """Each problem in words, for the test's failure message."""
        where = f"{self.name} at {self.size} ({self.url})"
        found = [
            f"{where}: axe {v['impact']} {v['rule']} ×{v['count']} ({v['help']}) e.g. {v['targets']}"
            for v in self.blocking_violations()
        ]
        if self.size == "phone" and self.overflow:
            found.append(f"{where}: the page is {self.overflow} px wider than the screen")
        if self.size == "phone" and self.squeezed:
            found.append(f"{where}: {len(self.squeezed)} table cells squeezed, e.g. {self.squeezed[:3]}")
        return found

    def figures(self) -> dict:
        return {
            "page": self.name,
            "url": self.url,
            "size": self.size,
            "axe_violations": sum(v["count"] for v in self.violations),
            "axe_serious_or_critical": sum(v["count"] for v in self.blocking_violations()),
            "rules": sorted({v["rule"] for v in self.blocking_violations()}),
            "overflow_px": self.overflow,
            "squeezed_cells": len(self.squeezed),
        }


def audit(page: Page, *, name: str, size: str) -> PageFindings:
    """Run axe-core on the page as it is (see `with_axe`), and measure its width and its tables' cells."""
    return PageFindings(
        name=name,
        url=page.url,
        size=size,
        violations=page.evaluate(AXE_RUN_JS),
        overflow=page.evaluate(OVERFLOW_JS),
        squeezed=page.evaluate(SQUEEZED_CELLS_JS, SQUEEZED_CHARACTERS_PER_LINE),
    )


def with_axe(page: Page) -> None:
    """Load axe-core in every document the page opens from now on (an init script: the site's CSP allows no
    script of ours)."""
    page.context.add_init_script(path=str(AXE))


def page_kind(url: str) -> str | None:
    """The view a URL shows (one visit per kind of page is enough), or None for what is not a page to audit."""
    parts = urlsplit(url)
    if parts.query or parts.path.endswith((".csv", ".ics", ".pdf", ".xlsx", ".json")):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name
    skipped = ("logout", "set_language", "download", "calendar_feed", "export", "api:", "schema", "admin:")
    if any(word in name for word in skipped):
        return None
    return name


def links_on(page: Page, selector: str) -> list[str]:
    """The same-site addresses the elements matching `selector` link to, in the page's order."""
    return page.evaluate(LINKS_JS, selector)
