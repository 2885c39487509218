"""The booking API against its description, api/openapi.yaml: the description is a valid OpenAPI document, every
operation in it is exercised on a real vuorod, and every answer has a status the description lists for that
operation and a body its schema accepts. Bad input changes nothing; personal data is refused by name."""
import datetime
import http.client
import json
import os
import re

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

from vuorod import ROOT, Daemon

SPEC_PATH = os.path.join(ROOT, "api", "openapi.yaml")
BOOKING, ADMIN, KIOSK = "booking-secret-0001", "admin-secret-00001", "kiosk-secret-00001"

CONFIG = """
site = "API test centre"
timezone = "Europe/Helsinki"
languages = ["fi", "en"]

[[queue]]
id = "kela"
prefix = "K"
name = "Kela"

[[queue]]
id = "lab"
prefix = "L"
name = "Laboratory"

[[counter]]
id = "1"
queues = ["kela"]

[[counter]]
id = "6"
queues = ["lab"]

[[token]]
role = "booking"
secret = "%s"

[[token]]
role = "admin"
secret = "%s"

[[token]]
role = "kiosk"
secret = "%s"
""" % (BOOKING, ADMIN, KIOSK)


@pytest.fixture(scope="module")
def spec():
    with open(SPEC_PATH) as f:
        return yaml.safe_load(f)


@pytest.fixture
def api():
    d = Daemon(config=CONFIG, api=True)
    yield d
    d.stop()


class Checked:
    """Calls the API and checks each answer against the description; remembers the operations it used."""

    def __init__(self, spec, port):
        self.spec = spec
        self.port = port
        self.used = set()

    def operation(self, method, path):
        for template, item in self.spec["paths"].items():
            pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
            if re.match(pattern, path.split("?")[0]) and method.lower() in item:
                return template, item[method.lower()]
        return None, None

    def resolve(self, obj):
        while "$ref" in obj:
            node = self.spec
            for part in obj["$ref"].lstrip("#/").split("/"):
                node = node[part]
            obj = node
        return obj

    def __call__(self, method, path, body=None, token=BOOKING, content_type="application/json", raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {}
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        text = r.read().decode()
        conn.close()
        template, op = self.operation(method, path)
        assert op is not None, "%s %s is not in the description" % (method, path)
        self.used.add((method.lower(), template))
        documented = op["responses"]
        assert str(r.status) in documented, "%s %s answered %d, not listed in %s" % (
            method, path, r.status, sorted(documented))
        response = self.resolve(documented[str(r.status)])
        content = response.get("content", {}).get("application/json")
        parsed = None
        if content is not None and text:
            assert r.getheader("Content-Type") == "application/json"
            parsed = json.loads(text)
            # The schema with the document's components beside it, so that its references resolve.
            schema = {"$ref": content["schema"]["$ref"], "components": self.spec["components"]}
            jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(parsed)
        return r.status, parsed, r


def site_time(minutes_from_now):
    """A due time in the site's time (Helsinki), as booking systems send it: local time with its offset."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes_from_now)
    from zoneinfo import ZoneInfo

    local = t.astimezone(ZoneInfo("Europe/Helsinki")).replace(second=0, microsecond=0)
    return local.isoformat(), local.date().isoformat()


def test_the_description_is_valid_openapi(spec):
    validate(spec)
    assert spec["info"]["version"] == open(os.path.join(ROOT, "Sources/VuoroProtocol/Version.swift")).read().split('"')[1]


def test_every_operation_answers_as_described(spec, api):
    call = Checked(spec, api.api)
    due, day = site_time(120)
    later, later_day = site_time(150)

    status, a, _ = call("PUT", "/api/v1/appointments/ab12cd", {"queue": "kela", "due": due, "minutes": 20})
    assert status == 201 and a["ref"] == "AB12CD" and a["state"] == "booked" and a["minutes"] == 20
    assert call("PUT", "/api/v1/appointments/AB12CD", {"queue": "kela", "due": due, "minutes": 20})[0] == 200
    status, moved, _ = call("PUT", "/api/v1/appointments/AB12CD", {"queue": "kela", "due": later, "minutes": 20})
    assert status == 200 and moved["due"] != a["due"]
    status, b, _ = call("PUT", "/api/v1/appointments/LAB-7", {"queue": "lab", "due": due, "counter": "6"},
                        token=ADMIN)
    assert status == 201 and b["counter"] == "6"
    status, got, _ = call("GET", "/api/v1/appointments/LAB-7")
    assert status == 200 and got == b
    status, listed, _ = call("GET", "/api/v1/appointments?date=" + later_day)
    assert status == 200 and listed["date"] == later_day and "AB12CD" in {x["ref"] for x in listed["appointments"]}
    status, lab, _ = call("GET", "/api/v1/appointments?queue=lab&date=" + day)
    assert [x["ref"] for x in lab["appointments"]] == ["LAB-7"]

    # Checked in at a kiosk: listed with its ticket, and no longer changed or cancelled by the booking system.
    kiosk = api.client(KIOSK)
    reply = kiosk.request("CHECKIN LAB-7")
    if reply.startswith("OK "):
        status, got, _ = call("GET", "/api/v1/appointments/LAB-7")
        assert got["state"] == "waiting" and re.match(r"^L\d{3}$", got["ticket"])
        status, e, _ = call("PUT", "/api/v1/appointments/LAB-7", {"queue": "lab", "due": later})
        assert status == 409 and e["error"] == "checked-in"
        status, e, _ = call("DELETE", "/api/v1/appointments/LAB-7")
        assert status == 409
    else:
        assert reply.startswith("ERR wrong-day"), reply  # two hours from now is tomorrow

    status, _, r = call("DELETE", "/api/v1/appointments/AB12CD")
    assert status == 204
    status, e, _ = call("DELETE", "/api/v1/appointments/AB12CD")
    assert status == 404 and e["error"] == "unknown-booking"
    status, e, _ = call("GET", "/api/v1/appointments/AB12CD")
    assert status == 404

    # Who may: a booking system's token or an admin's; none, a wrong one and a kiosk's are turned away.
    status, e, r = call("GET", "/api/v1/appointments", token=None)
    assert status == 401 and r.getheader("WWW-Authenticate", "").startswith("Bearer")
    assert call("GET", "/api/v1/appointments", token="not-a-token-at-all")[0] == 401
    status, e, _ = call("PUT", "/api/v1/appointments/EF56", {"queue": "kela", "due": due}, token=KIOSK)
    assert status == 403 and e["error"] == "forbidden"
    conn = http.client.HTTPConnection("127.0.0.1", api.api, timeout=10)
    conn.request("POST", "/api/v1/appointments", body=b"{}", headers={"Authorization": "Bearer " + BOOKING})
    r = conn.getresponse()
    assert r.status == 405 and r.getheader("Allow") == "GET, HEAD" and json.loads(r.read())["error"] == "method-not-allowed"
    assert set(call.used) == {(m, p) for p, item in spec["paths"].items() for m in item if m != "parameters"}


def test_bad_input_is_refused_by_name_and_changes_nothing(spec, api):
    call = Checked(spec, api.api)
    due, day = site_time(120)
    refused = [
        ({"queue": "kela", "due": due, "email": "visitor@example.fi"}, "personal-data", "email"),
        ({"queue": "kela", "due": due, "name": "Matti Meikäläinen"}, "personal-data", "name"),
        ({"queue": "kela", "due": due, "hetu": "131052-308T"}, "personal-data", "hetu"),
        ({"queue": "kela", "due": due, "phone_number": "+358401234567"}, "personal-data", "phone_number"),
        ({"queue": "kela", "due": due, "colour": "blue"}, "unknown-field", "colour"),
        ({"queue": "dentist", "due": due}, "unknown-queue", "queue"),
        ({"queue": "kela", "due": due, "counter": "99"}, "unknown-counter", "counter"),
        ({"queue": "kela", "due": "2020-01-01T10:00:00+02:00"}, "bad-argument", "due"),
        ({"queue": "kela", "due": "tomorrow at ten"}, "bad-argument", "due"),
        ({"queue": "kela", "due": due, "minutes": 0}, "bad-argument", "minutes"),
        ({"queue": "kela", "due": due, "minutes": True}, "bad-argument", "minutes"),
        ({"due": due}, "bad-argument", "queue"),
    ]
    for body, code, field in refused:
        status, e, _ = call("PUT", "/api/v1/appointments/GH78", body)
        assert status == 400 and e["error"] == code and e.get("field") == field, (body, e)
    status, e, _ = call("PUT", "/api/v1/appointments/131052-308T", {"queue": "kela", "due": due})
    assert status == 400 and e["error"] == "personal-data"
    status, e, _ = call("PUT", "/api/v1/appointments/GH78", raw=b'{"queue": "kela", "due":')
    assert status == 400 and e["error"] == "bad-json"
    status, e, _ = call("PUT", "/api/v1/appointments/GH78", raw=b"queue=kela", content_type="text/plain")
    assert status == 415
    status, _, _ = call("PUT", "/api/v1/appointments/GH78", raw=json.dumps(
        {"queue": "kela", "due": due, "counter": "1" * 4000}).encode())
    assert status == 413
    status, e, _ = call("GET", "/api/v1/appointments?date=2026-02-30")
    assert status == 400
    status, listed, _ = call("GET", "/api/v1/appointments?date=" + day)
    assert listed["appointments"] == [], "nothing refused was kept"
    # Nothing of it reached the protocol's view either.
    admin = api.client(ADMIN)
    assert admin.request("BOOKINGS date=" + day) == "OK 0"
