"""vuorod as the Python tests run it: the built daemon on loopback ports of its own, and a line client."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VUOROD = os.path.join(ROOT, ".build", "debug", "vuorod")
SHOTS = os.path.join(ROOT, ".build", "screenshots")


class Daemon:
    """vuorod with its protocol port and web port on loopback, its log collected."""

    def __init__(self, extra=(), config=None, api=False):
        self.dir = tempfile.mkdtemp(prefix="vuoro-browser-")
        args = [VUOROD, "--state-dir", self.dir + "/state", "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0"]
        if api:
            args += ["--api", "127.0.0.1:0"]
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
        self.api = int(self.wait_for(r"booking API on http://127\.0\.0\.1:(\d+)/")) if api else None

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

    def client(self, secret=None):
        c = LineClient(self.port)
        if secret is not None:
            assert c.request("AUTH " + secret).startswith("OK role=")
        return c

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
