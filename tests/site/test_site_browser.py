"""The statistics website in headless Chromium, opened from file:// with networking disabled:
the map's 290 shapes and the table's 290 rows, a link followed to a municipality page, the
table's search and sort, no request leaving the folder; and on a laptop (1280 × 800) and a
phone (390 × 844): the three answers within the first screen of a municipality's page, no text
smaller than 11 px, no sideways scrolling of the page itself, and axe-core finding no serious or
critical accessibility violation on any kind of page.

axe-core is pinned in tests/site/package.json and installed here with `npm ci` into the
git-ignored tests/site/node_modules (the test skips when npm or Chromium is absent)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.presentation.formats import WEB

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed (needed for axe-core)")
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not AXE.is_file():
            pytest.skip(f"npm ci failed: {result.stderr[-500:]}")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def browser(tmp_path: Path):
    """Headless Chromium without a network: DNS resolves nothing, every request goes to a dead
    proxy, and the DevTools protocol puts the page offline and blocks http(s)."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
                     "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                     f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1400"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(str(CHROMEDRIVER)),
                              options=options)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*",
                                                                   "ws://*", "wss://*"]})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        yield driver
    finally:
        driver.quit()


def axe_violations(driver, source: str) -> list[dict]:
    driver.execute_script(source)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify("
        "[{id: 'axe-error', impact: 'critical', description: String(e), nodes: []}])));",
        AXE_TAGS)
    return json.loads(result)


def blocking(violations: list[dict]) -> list[str]:
    return [f"{v['impact']} {v['id']}: {v.get('description', '')} "
            f"({[n.get('target') for n in v.get('nodes', [])][:3]})"
            for v in violations if v.get("impact") in BLOCKING]


def resources_outside(driver, site: Path) -> list[str]:
    urls = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    return [u for u in urls if not u.startswith(site.resolve().as_uri())]


def test_the_site_works_offline_and_passes_axe(browser, built, inputs, axe_source, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    site = built.site
    browser.get(built.index.as_uri())
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
    shapes = browser.find_elements(By.CSS_SELECTOR, "svg.map:not(.inset) path[data-code]")
    assert len(shapes) == 290
    assert all(s.size["width"] > 0 for s in shapes[:20])
    rows = browser.find_elements(By.CSS_SELECTOR, "#kommuner tbody tr")
    assert len(rows) == 290
    assert resources_outside(browser, site) == []
    browser.save_screenshot(str(tmp_path / "index.png"))
    problems = blocking(axe_violations(browser, axe_source))
    assert not problems, problems

    # the script: search narrows the table, a header click sorts it
    search = browser.find_element(By.ID, "kommuner-sok")
    assert search.is_displayed()
    search.send_keys("Ale")
    WebDriverWait(browser, 5).until(lambda d: len(
        [r for r in d.find_elements(By.CSS_SELECTOR, "#kommuner tbody tr") if r.is_displayed()])
        < 290)
    visible = [r.find_element(By.TAG_NAME, "th").text for r in
               browser.find_elements(By.CSS_SELECTOR, "#kommuner tbody tr") if r.is_displayed()]
    assert "Ale" in visible and len(visible) < 290
    search.clear()
    search.send_keys(" ")
    queue_header = next(button for button in browser.find_elements(
        By.CSS_SELECTOR, "#kommuner thead th button") if button.text.startswith("Plats i kön"))
    queue_header.click()
    first = browser.find_element(By.CSS_SELECTOR, "#kommuner tbody tr th").text
    expected = next(m.name for m in inputs.municipalities
                    if inputs.status[m.code].queue_place == 1)
    assert first == expected

    # a county page
    browser.get((site / "lan" / "14.html").as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Västra Götalands län"
    problems = blocking(axe_violations(browser, axe_source))
    assert not problems, problems

    # follow the table's link to a municipality page
    browser.get(built.index.as_uri())
    link = browser.find_element(By.CSS_SELECTOR, '#kommuner a[href="kommun/1440.html"]')
    browser.execute_script("arguments[0].scrollIntoView();", link)
    link.click()
    WebDriverWait(browser, 5).until(lambda d: d.current_url.endswith("kommun/1440.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Ale"
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) == 3
    assert resources_outside(browser, site) == []
    browser.save_screenshot(str(tmp_path / "ale.png"))
    problems = blocking(axe_violations(browser, axe_source))
    assert not problems, problems



SCREENS = {"laptop": (1280, 800), "phone": (390, 844)}
PAGES = ("index.html", "karta.html", "dokument.html", "lan/14.html", "kommun/1280.html",
         "kommun/2584.html")
MUNICIPALITIES = ("kommun/1280.html", "kommun/2584.html", "kommun/0180.html")

# Every rendered text, with the size it is drawn at: an SVG text's font size times the scale its
# chart is drawn at. Text in a closed <details> or hidden by the stylesheet has no box.
SMALL_TEXT = """
const found = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const element = walker.currentNode.parentElement;
  if (!walker.currentNode.textContent.trim() || element.getClientRects().length === 0) continue;
  const style = getComputedStyle(element);
  if (style.visibility !== "visible") continue;
  let size = parseFloat(style.fontSize);
  if (element instanceof SVGElement) {
    const m = element.getScreenCTM();
    size *= Math.hypot(m.a, m.b);
  }
  if (size < 11) found.push(`${element.tagName} ${size.toFixed(1)}px: ${
    walker.currentNode.textContent.trim().slice(0, 30)}`);
}
return found;
"""


def emulate(driver, screen: str) -> None:
    width, height = SCREENS[screen]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": screen == "phone"})


@pytest.mark.parametrize("screen", SCREENS)
def test_every_kind_of_page_reads_on_a_laptop_and_a_phone(browser, built, axe_source, screen,
                                                          tmp_path):
    emulate(browser, screen)
    problems = []
    for name in PAGES:
        browser.get((built.site / name).as_uri())
        width = browser.execute_script("return window.innerWidth")
        assert width == SCREENS[screen][0]
        overflow = browser.execute_script("return document.documentElement.scrollWidth")
        if overflow > width:
            problems.append(f"{name}: the page is {overflow} px wide on a {width} px screen")
        small = browser.execute_script(SMALL_TEXT)
        if small:
            problems.append(f"{name}: text under 11 px: {small[:5]}")
        problems += [f"{name}: {p}" for p in blocking(axe_violations(browser, axe_source))]
        browser.save_screenshot(str(tmp_path / f"{name.replace('/', '_')}_{screen}.png"))
    assert not problems, problems


@pytest.mark.parametrize("screen", SCREENS)
def test_the_three_answers_are_on_the_first_screen(browser, built, inputs, screen):
    from selenium.webdriver.common.by import By

    emulate(browser, screen)
    for name in MUNICIPALITIES:
        browser.get((built.site / name).as_uri())
        height = browser.execute_script("return window.innerHeight")
        answers = browser.find_elements(By.CSS_SELECTOR, "section.answer")
        titles = [a.find_element(By.TAG_NAME, "h2").text for a in answers]
        assert titles == [f"Andelstal {inputs.shown_year}", f"Anvisade {inputs.shown_year}",
                          "Att vänta"], name
        bottoms = [browser.execute_script("return arguments[0].getBoundingClientRect().bottom",
                                          a) for a in answers]
        assert max(bottoms) <= height, f"{name}: the answers end at {max(bottoms)} px of {height}"
        code = name.removeprefix("kommun/").removesuffix(".html")
        share = answers[0].find_element(By.CSS_SELECTOR, ".big").text
        assert share == WEB.promille(inputs.status[code].share_units, 2).replace("\u00a0", " ")
