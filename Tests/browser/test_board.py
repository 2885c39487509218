"""The lobby board as a person sees it: headless Chromium loads /board from the built vuorod, and calls made on the
protocol port appear on it live, spoken, also after the board's network was cut."""
import socket
import threading
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Daemon, make_browser, screenshot


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def wait_text(driver, element_id, expected, seconds=10):
    WebDriverWait(driver, seconds, poll_frequency=0.02).until(lambda d: expected in text(d, element_id))


def ready(driver):
    """The board has its snapshot: the queues are drawn."""
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#queue-rows tr"))


def test_a_call_appears_within_a_second(daemon, browser):
    browser.get(daemon.url("/board?queues=kela,health,lab&lang=fi,sv"))
    ready(browser)
    c = daemon.client()
    assert c.request("ISSUE kela").startswith("OK K001")
    started = time.monotonic()
    assert c.request("CALL 1").startswith("OK K001 queue=kela counter=1")
    wait_text(browser, "now-ticket", "K001", seconds=1.0)
    took = time.monotonic() - started
    assert took < 1.0, took
    assert "palvelupiste 1" in text(browser, "now-counter") or "disk 1" in text(browser, "now-counter")
    # A queue the board does not show is not announced on it.
    assert c.request("ISSUE citizen").startswith("OK C001")
    assert c.request("CALL 5").startswith("OK C001")
    assert c.request("ISSUE health").startswith("OK H001")
    assert c.request("CALL 4").startswith("OK H001")
    wait_text(browser, "now-ticket", "H001")
    assert "C001" not in browser.find_element(By.ID, "board").text


def test_the_board_speaks_each_call_after_a_chime(daemon, browser):
    browser.get(daemon.url("/board?lang=fi,sv&speak=fi,sv"))
    ready(browser)
    c = daemon.client()
    assert c.request("ISSUE lab").startswith("OK L001")
    assert c.request("CALL 6").startswith("OK L001")
    wait_text(browser, "now-ticket", "L001")

    def played(d):
        names = d.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
        return [n for n in names if n.endswith(".wav")]

    WebDriverWait(browser, 20, poll_frequency=0.1).until(lambda d: len(played(d)) >= 3)
    files = played(browser)
    assert files[0].endswith("/chime.wav"), files
    assert all("/speech/" in f for f in files[1:3]), files


def test_a_counter_board_shows_only_its_counter(daemon, browser):
    browser.get(daemon.url("/board?counter=4"))
    WebDriverWait(browser, 15).until(lambda d: "huone 4" in text(d, "now-counter") or "rum 4" in text(d, "now-counter")
                                     or "room 4" in text(d, "now-counter"))
    c = daemon.client()
    assert c.request("ISSUE kela").startswith("OK K001")
    assert c.request("ISSUE health").startswith("OK H001")
    assert c.request("CALL 1").startswith("OK K001")
    time.sleep(0.5)
    assert "K001" not in text(browser, "now-ticket")
    assert c.request("CALL 4").startswith("OK H001")
    wait_text(browser, "now-ticket", "H001")
    assert c.request("DONE 4") == "OK H001 state=done"
    WebDriverWait(browser, 5).until(lambda d: "H001" not in text(d, "now-ticket"))
    assert c.request("ISSUE health").startswith("OK H002")
    assert c.request("CALL 4").startswith("OK H002")
    wait_text(browser, "now-ticket", "H002")
    screenshot(browser, "board-counter.png")


class Proxy:
    """A TCP proxy between the browser and the web port that can cut every connection and refuse new ones, as a
    lost network would; it keeps each request head it forwarded."""

    def __init__(self, port):
        self.target = port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.cut = False
        self.open = []
        self.heads = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            if self.cut:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.open += [client, upstream]
            threading.Thread(target=self.pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self.pipe, args=(upstream, client, False), daemon=True).start()

    def pipe(self, src, dst, request):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if request:
                    self.heads.append(data.decode("latin-1"))
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.close()
            except OSError:
                pass

    def disconnect(self):
        self.cut = True
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.open = []


def test_a_board_whose_network_was_cut_shows_the_call_it_missed(daemon, browser):
    proxy = Proxy(daemon.web)
    browser.get("http://127.0.0.1:%d/board?queues=kela,lab&lang=en" % proxy.port)
    ready(browser)
    c = daemon.client()
    assert c.request("ISSUE kela").startswith("OK K001")
    assert c.request("CALL 1").startswith("OK K001")
    wait_text(browser, "now-ticket", "K001")
    proxy.disconnect()
    # The board says, in its language, that what it shows may be out of date.
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "stale").is_displayed())
    assert "No connection" in text(browser, "stale")
    assert c.request("ISSUE lab").startswith("OK L001")
    assert c.request("CALL 6").startswith("OK L001")
    time.sleep(1)
    assert "L001" not in text(browser, "now-ticket")
    proxy.cut = False
    wait_text(browser, "now-ticket", "L001", seconds=15)
    WebDriverWait(browser, 5).until(lambda d: not d.find_element(By.ID, "stale").is_displayed())
    # It asked for what it missed since the last event it had.
    again = [h for h in proxy.heads if h.startswith("GET /board/events") and "Last-Event-ID:" in h]
    assert again, proxy.heads


def test_screenshots_of_the_lobby_board(daemon):
    c = daemon.client()
    for queue, counter in [("kela", "1"), ("health", "4"), ("citizen", "5"), ("lab", "6"), ("kela", "2"),
                           ("health", "3")]:
        assert c.request("ISSUE " + queue).startswith("OK")
        assert c.request("CALL " + counter).startswith("OK")
    for queue in ["kela", "kela", "health", "citizen", "lab", "lab", "lab"]:
        assert c.request("ISSUE " + queue).startswith("OK")
    assert c.request("CLOSE citizen") == "OK citizen open=0"
    for name, size in [("board.png", (1920, 1080)), ("board-portrait.png", (1080, 1920))]:
        driver = make_browser(*size)
        try:
            driver.get(daemon.url("/board?lang=fi,sv,en"))
            ready(driver)
            wait_text(driver, "now-ticket", "H002")
            time.sleep(0.3)
            screenshot(driver, name)
            # The latest call is large: at least a tenth of the screen's height.
            height = driver.find_element(By.ID, "now-ticket").size["height"]
            assert height >= size[1] / 10, height
        finally:
            driver.quit()
