"""The browser and API tests' fixtures: the built vuorod on loopback ports of its own, headless Chromium driven
through chromium-driver (WebDriver), and a line client for the protocol port. Run by `make test` after the Swift
suite."""
import os
import shutil

import pytest

from vuorod import Daemon, SHOTS


@pytest.fixture
def daemon():
    d = Daemon()
    yield d
    d.stop()


def make_browser(width=1920, height=1080):
    # Imported here: the API tests run without selenium.
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
              "--window-size=%d,%d" % (width, height), "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(a)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    # The page's own size, as a screen of that many pixels shows it.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return driver


@pytest.fixture
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


def screenshot(driver, name):
    """Keeps a screenshot in .build/screenshots (docs/ holds the ones README shows)."""
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, name))
