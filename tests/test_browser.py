"""``khabar serve`` in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
driven by Selenium): right-to-left layout, a search from the form, the timeline filter,
and screenshots at desktop and phone width.

Screenshots go to ``$KHABAR_ARTIFACTS`` (default ``build/screenshots`` in the checkout,
which git ignores). Skips, with the reason, when Chromium, its driver or Selenium is absent;
``.ci/run`` installs them.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = next((path for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.access(path, os.X_OK)),
                None)
DRIVER = shutil.which("chromedriver") or next(
    (path for path in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.access(path, os.X_OK)), None)
if CHROMIUM is None or DRIVER is None:
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; "
                ".ci/run installs them)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (the test extra)")
pytest.importorskip("starlette", reason="the web extras are not installed")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from khabar.search.web.app import make_server  # noqa: E402

ARTIFACTS = Path(os.environ.get("KHABAR_ARTIFACTS") or REPO / "build" / "screenshots")
SEED_TITLE = "مدیر کل تعاون، کار و رفاه اجتماعی لرستان"
DESKTOP, PHONE = (1280, 900), (390, 844)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=fa")


@pytest.fixture(scope="module")
def site(bundled_index):
    server = make_server(bundled_index, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield server.url.rstrip("/")
    server.stop()
    thread.join(timeout=10)


def chromium(profile: Path, *, javascript: bool = True):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def viewport(driver, size: tuple[int, int]) -> None:
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def wait_for(driver, css: str):
    return WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def screenshot(driver, name: str, size: tuple[int, int]) -> Path:
    """The whole page at ``size``'s width, as ARTIFACTS/name.png."""
    viewport(driver, size)
    driver.execute_script("return document.fonts.ready")
    height = min(driver.execute_script("return document.documentElement.scrollHeight"), 6000)
    viewport(driver, (size[0], max(height, size[1])))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    viewport(driver, size)
    return path


def search_from_the_form(driver, site: str, query: str, date_from: str = "", date_to: str = "") -> None:
    driver.get(site + "/")
    box = wait_for(driver, "#q")
    box.send_keys(query)
    for name, value in (("from", date_from), ("to", date_to)):
        if value:
            driver.find_element(By.NAME, name).send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    wait_for(driver, "section.results")


def test_the_page_renders_right_to_left_in_persian(browser, site):
    viewport(browser, DESKTOP)
    browser.get(site + "/")
    wait_for(browser, "#q")
    root = browser.find_element(By.TAG_NAME, "html")
    assert root.get_attribute("dir") == "rtl" and root.get_attribute("lang") == "fa"
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    # The brand sits at the right edge: laid out right to left, not only declared.
    brand = browser.find_element(By.CSS_SELECTOR, "header.site .brand").rect
    assert brand["x"] + brand["width"] > DESKTOP[0] * 0.8
    assert browser.execute_script("return document.fonts.check('16px Vazirmatn', 'خبر')")


def test_a_search_from_the_form_shows_the_seed_article_with_its_jalali_date(browser, site):
    viewport(browser, DESKTOP)
    search_from_the_form(browser, site, "تعاونی دانش بنیان", "۱۴۰۱/۱۲", "1401/12")
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits > li.result")
    assert first.find_element(By.CSS_SELECTOR, "h2.title").text.startswith(SEED_TITLE)
    assert first.find_element(By.CSS_SELECTOR, "time.date").text == "۲۴ اسفند ۱۴۰۱"
    assert first.find_element(By.CSS_SELECTOR, ".gregorian").text == "2023-03-15"
    assert first.find_elements(By.TAG_NAME, "mark")
    first.find_element(By.CSS_SELECTOR, "h2.title a").click()
    assert wait_for(browser, "article.article h1").text.startswith(SEED_TITLE)
    screenshot(browser, "article-desktop", DESKTOP)


def test_the_timeline_filters_by_month(browser, site):
    viewport(browser, DESKTOP)
    search_from_the_form(browser, site, "کرونا")
    bars = browser.find_elements(By.CSS_SELECTOR, "section.timeline a.bar")
    assert len(bars) > 3
    month = browser.find_element(By.CSS_SELECTOR, 'section.timeline a.bar[data-period="1399/01"]')
    expected = month.find_element(By.CSS_SELECTOR, ".count").get_attribute("textContent")
    month.click()
    WebDriverWait(browser, 15).until(lambda driver: "from=1399%2F01" in driver.current_url)
    assert browser.find_element(By.NAME, "from").get_attribute("value") == "1399/01"
    assert browser.find_element(By.CSS_SELECTOR, "h2.count").text.startswith(f"{expected} خبر یافت شد")
    dates = [element.text for element in browser.find_elements(By.CSS_SELECTOR, "ol.hits time.date")]
    assert dates and all(date.endswith("فروردین ۱۳۹۹") for date in dates)
    selected = browser.find_elements(By.CSS_SELECTOR, "section.timeline li.selected a.bar")
    assert [bar.get_attribute("data-period") for bar in selected] == ["1399/01"]


def test_the_sort_select_searches_again_with_javascript(browser, site):
    viewport(browser, DESKTOP)
    search_from_the_form(browser, site, "کرونا")
    browser.find_element(By.CSS_SELECTOR, "select[name=sort] option[value=date]").click()
    WebDriverWait(browser, 15).until(lambda driver: "sort=date" in driver.current_url)
    csp = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert not csp, csp


@pytest.mark.parametrize("name, size", [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_of_the_results_page(browser, site, name, size):
    viewport(browser, size)
    search_from_the_form(browser, site, "تعاونی دانش بنیان")
    # Nothing sticks out sideways at this width (no horizontal scrolling on a phone).
    assert browser.execute_script("return document.documentElement.scrollWidth") <= size[0]
    path = screenshot(browser, f"results-{name}", size)
    assert path.stat().st_size > 20_000
    if name == "desktop":  # the first screen alone: the one docs/serve.png shows
        browser.save_screenshot(str(ARTIFACTS / "results-desktop-first-screen.png"))
    browser.get(site + "/keywords?top=8&by=month")
    wait_for(browser, "section.top")
    screenshot(browser, f"keywords-{name}", size)
    browser.get(site + "/stats")
    wait_for(browser, "dl.stats")
    screenshot(browser, f"stats-{name}", size)


def test_the_pages_work_without_javascript(tmp_path, site):
    driver = chromium(tmp_path / "profile", javascript=False)
    try:
        viewport(driver, DESKTOP)
        search_from_the_form(driver, site, "تعاونی دانش بنیان", "1401/12", "1401/12")
        first = driver.find_element(By.CSS_SELECTOR, "ol.hits > li.result")
        assert first.find_element(By.CSS_SELECTOR, "h2.title").text.startswith(SEED_TITLE)
        # Changing the sort does nothing by itself without the script; the button searches.
        driver.find_element(By.CSS_SELECTOR, "select[name=sort] option[value=date]").click()
        assert "sort=date" not in driver.current_url
        driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
        WebDriverWait(driver, 15).until(lambda d: "sort=date" in d.current_url)
        driver.find_element(By.CSS_SELECTOR, "section.timeline a.bar").click()
        WebDriverWait(driver, 15).until(lambda d: "from=" in d.current_url)
        assert driver.find_elements(By.CSS_SELECTOR, "ol.hits > li.result")
    finally:
        driver.quit()
