"""The browser tests' fixtures: the built vuorod on loopback ports of its own, headless Chromium driven through
chromium-driver (WebDriver), and a line client for the protocol port. Run by `make test` after the Swift suite."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VUOROD = os.path.join(ROOT, ".build", "debug", "vuorod")
SHOTS = os.path.join(ROOT, ".build", "screenshots")


class Daemon:
    """vuorod with its protocol port and web port on loopback, its log collected."""

    def __init__(self, extra=(), config=None):
        self.dir = tempfile.mkdtemp(prefix="vuoro-browser-")
        args = [VUOROD, "--state-dir", self.dir + "/state", "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0"]
        if config is not None:
            path = self.dir + "/centre.toml"
            with open(path, "w") as f:
                f.write(config)
            os.chmod(path, 0o600)
            args += ["--config", path]
        self.proc = subprocess.Popen(args + list(extra), stderr=subprocess.PIPE, text=True)
        self.log = ""
        self.port = int(self.wait_for(r"listening on 127\.0\.0\.1:(\d+)"))
        self.web = int(self.wait_for(r"visitors' pages on http://127\.0\.0\.1:(\d+)/"))

    def wait_for(self, pattern, seconds=20):
        deadline = time.time() + seconds
        while time.time() < deadline:
            m = re.search(pattern, self.log)
            if m:
                return m.group(1)
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
            self.log += line
        raise AssertionError("vuorod did not log %r: %s" % (pattern, self.log))

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.web, path)

    def client(self):
        return LineClient(self.port)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class LineClient:
    """One connection to the protocol port: a request, its reply line."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.file = self.sock.makefile("rw", encoding="utf-8", newline="\n")

    def request(self, line):
        self.file.write(line + "\n")
        self.file.flush()
        return self.file.readline().rstrip("\n")


@pytest.fixture
def daemon():
    d = Daemon()
    yield d
    d.stop()


def make_browser(width=1920, height=1080):
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
