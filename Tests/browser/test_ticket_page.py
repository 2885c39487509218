"""A visitor's phone: the ticket's page in headless Chromium follows the ticket as calls move it up, says "your turn"
with the counter when called, steps back on request, and the pages pass axe-core's WCAG 2.1 AA checks."""
import time

from axe_selenium_python import Axe
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from conftest import make_browser, screenshot

KEY = "0f1e2d3c4b5a6978"


def text(driver, element_id):
    """The element's text, or None while the page is being replaced (a form's answer loading)."""
    try:
        return driver.find_element(By.ID, element_id).text
    except (StaleElementReferenceException, NoSuchElementException):
        return None


def test_the_page_follows_its_ticket_and_says_when_it_is_called(daemon, browser):
    c = daemon.client()
    for _ in range(3):
        assert c.request("ISSUE kela").startswith("OK K")
    assert c.request("ISSUE kela lang=en id=" + KEY).startswith("OK K004")
    browser.get(daemon.url("/t/" + KEY))
    assert text(browser, "position") == "4"
    time.sleep(0.5)  # the stream is open
    for expected in ["3", "2"]:
        started = time.monotonic()
        assert c.request("CALL 1").startswith("OK K")
        WebDriverWait(browser, 1.0, poll_frequency=0.02).until(lambda d: text(d, "position") == expected)
        assert time.monotonic() - started < 1.0
    # Two places from the front (alert_at 3 by default): the page has alerted its visitor.
    alert = browser.find_element(By.ID, "alert")
    assert alert.is_displayed() and "Your turn is near" in alert.text, alert.text
    assert c.request("CALL 1").startswith("OK K003")
    WebDriverWait(browser, 1.0, poll_frequency=0.02).until(lambda d: text(d, "position") == "1")
    assert c.request("CALL 3").startswith("OK K004 queue=kela counter=3")
    WebDriverWait(browser, 2).until(lambda d: "counter 3" in d.find_element(By.ID, "live").text)
    assert "Your turn!" in browser.find_element(By.ID, "live").text
    screenshot(browser, "ticket-called.png")


def step_back(browser):
    """Presses "I need more time" and waits until the form's answer has replaced the page."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "form.back button").click()
    WebDriverWait(browser, 5).until(staleness_of(page))
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_a_step_back_from_the_page(daemon, browser):
    c = daemon.client()
    assert c.request("ISSUE health id=" + KEY).startswith("OK H001")
    for _ in range(7):
        assert c.request("ISSUE health").startswith("OK H")
    browser.get(daemon.url("/t/" + KEY + "?lang=en"))
    step_back(browser)
    assert "Your turn moved back." in browser.page_source
    assert text(browser, "position") == "6"
    assert c.request("TICKET H001").startswith("OK H001 state=waiting queue=health position=6")
    step_back(browser)
    WebDriverWait(browser, 5).until(lambda d: text(d, "position") == "8")
    # Twice is all: the button is gone.
    assert not browser.find_elements(By.CSS_SELECTOR, "form.back button")


def axe_violations(driver):
    """axe-core's WCAG 2.0 and 2.1 A and AA rules (this axe-core tags 2.1's A rules wcag21aa too)."""
    driver.set_script_timeout(60)
    axe = Axe(driver)
    axe.inject()
    results = axe.run(options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}})
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in results["violations"]]


def test_every_page_passes_wcag_21_aa(daemon):
    c = daemon.client()
    assert c.request("ISSUE kela id=" + KEY).startswith("OK K001")
    assert c.request("ISSUE lab").startswith("OK L001")
    assert c.request("CALL 6").startswith("OK L001")
    assert c.request("CLOSE citizen") == "OK citizen open=0"
    pages = ["/", "/?lang=en&large=1", "/t/" + KEY, "/t/" + KEY + "?lang=sv&large=1", "/t/ffffffffffffffff",
             "/board?lang=fi,sv", "/board?counter=6"]
    for size in [(412, 915), (1920, 1080)]:
        driver = make_browser(*size)
        try:
            for page in pages:
                driver.get(daemon.url(page))
                time.sleep(0.4)  # boards draw from their stream
                found = axe_violations(driver)
                assert not found, "%s at %s: %s" % (page, size, found)
        finally:
            driver.quit()
