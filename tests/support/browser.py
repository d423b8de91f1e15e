"""A real browser for tests: Debian's headless Chromium driven by Selenium, offline.

Chromium and its driver are taken from fixed paths (`/usr/bin/chromium`,
`/usr/bin/chromedriver`; `.ci/run` installs both), so Selenium Manager never looks for or
downloads a browser. Page JavaScript is off by default: the pages of people must work without
it. A test module makes one browser for all its tests and wraps it per test around the app's
`live_server`:

    chromium = chromium_fixture()                     # one Chromium per module

    @pytest.fixture
    def browser(chromium, live_server):
        return Browser(chromium, live_server)         # cookies cleared, URLs relative

Selenium still talks to the browser through DevTools, so `execute_script` and the element
queries work while the page's own scripts do not run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW_SIZE = (1280, 1024)
PAGE_LOAD_SECONDS = 15
POLL_SECONDS = 0.02
ARGUMENTS = (
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-proxy-server",  # tests talk to the live server on loopback only
    # nothing but the page: no first-run UI, no updates, no sync, no extensions
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--lang=de-DE",
)
_JAVASCRIPT_PROBE = "data:text/html," + quote(
    "<!DOCTYPE html><title>off</title><script>document.title = 'on'</script>"
)


def require_chromium() -> None:
    """Fail (not skip) when the browser or its driver is missing: a browser test that does
    not run must not look green."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(
            f"browser tests need Debian's Chromium, but {', '.join(missing)} is missing: "
            "`.ci/run` installs it (or: sudo apt-get install -y --no-install-recommends "
            "chromium chromium-driver)",
            pytrace=False,
        )


def chromium_options(
    *, javascript: bool = False, window_size: tuple[int, int] = WINDOW_SIZE
) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--window-size={window_size[0]},{window_size[1]}")
    prefs: dict[str, object] = {"intl.accept_languages": "de-DE,de"}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2  # 2 = block
    options.add_experimental_option("prefs", prefs)
    options.page_load_strategy = "normal"  # get() and clicks on links return when loaded
    return options


@contextmanager
def _offline_selenium() -> Iterator[None]:
    """Selenium Manager, should anything ask it, must not go to the internet."""
    before = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = before


def start_chromium(
    *,
    javascript: bool = False,
    window_size: tuple[int, int] = WINDOW_SIZE,
    phone: tuple[int, int] | None = None,
) -> WebDriver:
    """A headless Chromium; the caller quits it. Fails the test when Chromium is missing or
    does not start, and when page JavaScript runs although it should be off.

    `phone`: a phone's viewport (CSS pixels, e.g. 390 x 844) as DevTools' device mode
    emulates it (the page's viewport meta tag applies); a window cannot be made narrower
    than 500 px."""
    require_chromium()
    options = chromium_options(javascript=javascript, window_size=window_size)
    try:
        with _offline_selenium():
            driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except WebDriverException as error:
        pytest.fail(f"Chromium did not start ({CHROMIUM}, {CHROMEDRIVER}): {error.msg}")
    driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
    if phone is not None:
        width, height = phone
        metrics = {"width": width, "height": height, "deviceScaleFactor": 3, "mobile": True}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    if not javascript and page_javascript_runs(driver):
        driver.quit()
        pytest.fail("page JavaScript still runs although the browser was started without it")
    return driver


def page_javascript_runs(driver: WebDriver) -> bool:
    """Whether a page's own <script> runs (a data: URL, no network)."""
    driver.get(_JAVASCRIPT_PROBE)
    return driver.title == "on"


def chromium_fixture(
    *,
    name: str = "chromium",
    scope: Literal["session", "package", "module", "class", "function"] = "module",
    javascript: bool = False,
    window_size: tuple[int, int] = WINDOW_SIZE,
    phone: tuple[int, int] | None = None,
) -> Callable[..., Iterator[WebDriver]]:
    """A pytest fixture with one Chromium for `scope`: `chromium = chromium_fixture()` in a
    test module (or a conftest.py); `phone=(390, 844)` for a phone's viewport."""

    @pytest.fixture(name=name, scope=scope)
    def chromium() -> Iterator[WebDriver]:
        driver = start_chromium(javascript=javascript, window_size=window_size, phone=phone)
        try:
            yield driver
        finally:
            driver.quit()

    return chromium


class Browser:
    """One test's view of a shared Chromium: paths relative to the live server, a clean
    cookie jar, and the questions accessibility tests ask (focus, styles, names)."""

    def __init__(self, driver: WebDriver, base_url: str, *, timeout: float = 5) -> None:
        self.driver = driver
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.reset()

    def reset(self) -> None:
        """Forget what earlier tests left: cookies (of every host and port), the page."""
        self.driver.get("about:blank")
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})

    # --- navigation -------------------------------------------------------------------------
    def open(self, path: str = "/") -> None:
        self.driver.get(self.url(path))

    def url(self, path: str) -> str:
        return path if "://" in path else f"{self.base_url}{path}"

    @property
    def path(self) -> str:
        """The current URL without the live server's base (with the query)."""
        current = self.driver.current_url
        return current[len(self.base_url) :] if current.startswith(self.base_url) else current

    def click_and_load(self, element: WebElement) -> None:
        """Click a link or a submit button and wait until the next page is there (a click
        returns before a form's response has replaced the page)."""
        page = self.find("html")
        element.click()
        gone = staleness_of(page)
        # while the old document is unloading, chromedriver answers with errors other than
        # "stale element" ("Node ... does not belong to the document"): ask again
        self.wait(ignoring=(WebDriverException,)).until(
            lambda driver: (
                gone(driver) and driver.execute_script("return document.readyState") == "complete"
            )
        )

    def press_and_load(self, *keys: str) -> None:
        """Press keys (ENTER on a focused link or button) and wait until the next page is
        there, as `click_and_load` does for a click."""
        page = self.find("html")
        self.press(*keys)
        gone = staleness_of(page)
        self.wait(ignoring=(WebDriverException,)).until(
            lambda driver: (
                gone(driver) and driver.execute_script("return document.readyState") == "complete"
            )
        )

    def wait(self, ignoring: tuple[type[Exception], ...] = ()) -> WebDriverWait:
        """An explicit wait that looks often (pages of the live server come in milliseconds)."""
        return WebDriverWait(
            self.driver, self.timeout, poll_frequency=POLL_SECONDS, ignored_exceptions=ignoring
        )

    def wait_for_path(self, prefix: str) -> str:
        self.wait().until(lambda _: self.path.startswith(prefix))
        return self.path

    # --- finding --------------------------------------------------------------------------
    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def by_text(self, text: str, tag: str = "*") -> WebElement:
        """The element whose normalised text is `text` (a button, a link)."""
        return self.driver.find_element(By.XPATH, f"//{tag}[normalize-space()={_xpath(text)}]")

    def text(self, css: str = "body") -> str:
        return self.find(css).text

    def by_id(self, element_id: str) -> WebElement:
        return self.driver.find_element(By.ID, element_id)

    # --- keyboard and focus -----------------------------------------------------------------
    @property
    def focused(self) -> WebElement:
        return self.driver.switch_to.active_element

    def press(self, *keys: str) -> None:
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, wanted: WebElement, *, most: int = 20) -> list[WebElement]:
        """Press TAB until `wanted` has the focus; the elements focused on the way (the last
        is `wanted`). Fails after `most` presses."""
        path = []
        for _ in range(most):
            self.press(Keys.TAB)
            path.append(self.focused)
            if path[-1] == wanted:
                return path
        described = ", ".join(describe(element) for element in path)
        raise AssertionError(f"TAB did not reach {describe(wanted)}; it went {described}")

    def style(self, element: WebElement, prop: str) -> str:
        """The computed style (after :focus and the cascade)."""
        return element.value_of_css_property(prop)

    def has_visible_outline(self, element: WebElement) -> bool:
        style = self.style(element, "outline-style")
        width = self.style(element, "outline-width")
        color = self.style(element, "outline-color")
        return style != "none" and width not in ("0px", "") and not _transparent(color)

    # --- forms and labels -----------------------------------------------------------------
    def visible_fields(self) -> list[WebElement]:
        """The inputs, selects and text areas a person can see and use."""
        return [
            field
            for field in self.find_all("input, select, textarea")
            if field.get_attribute("type") != "hidden" and field.is_displayed()
        ]

    def label_of(self, field: WebElement) -> str:
        """How the field is labelled in the markup ('' when it is not): a <label for>, a
        wrapping <label>, aria-labelledby or aria-label."""
        field_id = field.get_attribute("id")
        if field_id:
            labels = self.driver.find_elements(By.CSS_SELECTOR, f'label[for="{field_id}"]')
            if labels and labels[0].text.strip():
                return labels[0].text.strip()
        wrapping = field.find_elements(By.XPATH, "ancestor::label")
        if wrapping and wrapping[0].text.strip():
            return wrapping[0].text.strip()
        labelled_by = (field.get_attribute("aria-labelledby") or "").split()
        texts = [self.by_id(ref).text.strip() for ref in labelled_by if self._exists(ref)]
        if any(texts):
            return " ".join(texts)
        return (field.get_attribute("aria-label") or "").strip()

    def described_by(self, field: WebElement) -> list[WebElement]:
        """The elements the field's aria-describedby names (missing ids fail)."""
        refs = (field.get_attribute("aria-describedby") or "").split()
        missing = [ref for ref in refs if not self._exists(ref)]
        assert not missing, f"{describe(field)}: aria-describedby names missing ids {missing}"
        return [self.by_id(ref) for ref in refs]

    def _exists(self, element_id: str) -> bool:
        return bool(self.driver.find_elements(By.ID, element_id))


def describe(element: WebElement) -> str:
    """`<input id=name>` for messages."""
    tag = element.tag_name
    ident = element.get_attribute("id") or element.get_attribute("name") or ""
    text = (element.text or "").strip()[:30]
    return f"<{tag}{' id=' + ident if ident else ''}>{text}"


def _transparent(color: str) -> bool:
    compact = color.replace(" ", "")
    return compact in ("transparent", "rgba(0,0,0,0)") or compact.endswith(",0)")


def _xpath(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in parts) + ")"
