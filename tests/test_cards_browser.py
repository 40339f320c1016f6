"""The scorecards in a real browser: Debian's Chromium, headless, driven by selenium.

What only a browser can show: the team-lead table sorts when a heading is clicked (sortable.js),
every link of the index and the cards opens a page that exists, and the print layout puts one card
on one A4 page (print to PDF through the driver, pages counted). Skipped, with the reason, where
no Chromium driver is installed (`make browser-setup` installs it; `make test` runs it first).
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from fixtures_evaluation import make_evaluation, sketch_contract

from scorecard.render import format as f
from scorecard.render.files import safe_dirname, safe_filename
from scorecard.render.html import write_scorecards

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.print_page_options import PrintOptions  # noqa: E402

DRIVER, BROWSER = shutil.which("chromedriver"), shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not (DRIVER and BROWSER),
                                reason="no Chromium and chromium-driver: run `make browser-setup` "
                                       "(apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def cards(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "cards"
    write_scorecards(make_evaluation(n_agents=16, agents_per_team=8), out)
    return out


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    yield driver
    driver.quit()


def open_card(browser, cards: Path, role: str, entity: str) -> None:
    browser.get((cards / safe_dirname(role) / safe_filename(entity)).as_uri())


def column_keys(table, column: int) -> list[str]:
    return [row.find_elements(By.CSS_SELECTOR, "th, td")[column].get_attribute("data-sort")
            for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]


def as_numbers(keys: list[str]) -> list[float]:
    return [float(k) for k in keys if k != ""]


def test_team_lead_table_sorts_on_a_click(browser, cards):
    open_card(browser, cards, "team_lead", "T01")
    table = browser.find_element(By.CSS_SELECTOR, "table.sortable")
    heading = table.find_elements(By.CSS_SELECTOR, "thead th")[1]  # the first agent KPI
    before = column_keys(table, 1)
    heading.find_element(By.CSS_SELECTOR, "button.sort").click()
    ascending = column_keys(table, 1)
    assert heading.get_attribute("aria-sort") == "ascending"
    assert as_numbers(ascending) == sorted(as_numbers(before))
    assert ascending[len(as_numbers(ascending)):] == [""] * (len(ascending) - len(as_numbers(ascending)))
    heading.find_element(By.CSS_SELECTOR, "button.sort").click()
    assert heading.get_attribute("aria-sort") == "descending"
    assert as_numbers(column_keys(table, 1)) == sorted(as_numbers(before), reverse=True)
    # the agent names move with their row: sorting by name gives them in order
    names = table.find_elements(By.CSS_SELECTOR, "thead th")[0]
    names.find_element(By.CSS_SELECTOR, "button.sort").click()
    labels = [row.find_element(By.CSS_SELECTOR, "th").text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert labels == sorted(labels) and len(labels) == 8


def test_every_link_from_the_index_opens_a_page_that_exists(browser, cards):
    start = (cards / "index.html").as_uri()
    seen, queue = set(), [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        path = Path(unquote(urlparse(url).path))
        assert path.is_file(), f"a link leads to a missing page: {path}"
        browser.get(url)
        assert browser.title, f"{path} opened without a title"
        hrefs = browser.execute_script("return Array.from(document.querySelectorAll('a[href]'), a => a.href)")
        queue += [h.split("#")[0] for h in hrefs if h.startswith("file:") and h.split("#")[0] not in seen]
    drawn = {p.resolve() for p in cards.rglob("*.html")}
    reached = {Path(unquote(urlparse(u).path)).resolve() for u in seen}
    assert reached == drawn  # every card is reachable from the index, and no link goes elsewhere


def pdf_pages(browser) -> int:
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7  # A4, as the stylesheet's @page
    pdf = base64.b64decode(browser.print_page(options))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_print_puts_one_card_on_one_page(browser, cards):
    open_card(browser, cards, "agent", "AG0001")
    assert pdf_pages(browser) == 1
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        style = browser.execute_script(
            "const c = getComputedStyle(document.querySelector('article.card'));"
            "return [c.breakAfter, getComputedStyle(document.querySelector('nav.crumbs')).display];")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert style == ["page", "none"]  # a card ends its page; navigation is not printed


def test_a_long_card_starts_on_its_own_page_and_keeps_rows_whole(browser, cards):
    open_card(browser, cards, "operations_manager", sketch_contract().vendor)
    pages = pdf_pages(browser)
    assert pages >= 2  # the vendor card is long: it flows over pages, never mixed with another card
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        rows = browser.execute_script(
            "return Array.from(document.querySelectorAll('tr'), r => getComputedStyle(r).breakInside);")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert set(rows) == {"avoid"}
    assert f.t("glossary", "en") in browser.page_source
