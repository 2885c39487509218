// The ticket page's own script (/ticket.js) and its service worker (/sw.js): the page follows its ticket's stream,
// alerts its visitor when the turn is near and when called (sound, vibration, a notification where allowed), and
// offers Web Push for a phone in a pocket. Without scripts the page refreshes itself instead.

enum TicketScript {
    static let text = #"""
        (function () {
          "use strict";
          var main = document.getElementById("ticket");
          var o = JSON.parse(main.getAttribute("data-options"));
          var seenKey = "vuoro-alerted-" + o.ticket;
          var alerted = sessionStorage.getItem(seenKey) === "1";

          function show(id, text) {
            var e = document.getElementById(id);
            if (!e) return;
            e.textContent = text;
            e.hidden = false;
          }

          // Sound, vibration and, where the visitor allowed it, a notification.
          function alertVisitor(text) {
            show("alert", text);
            try { new Audio("/chime.wav").play().catch(function () {}); } catch (e) {}
            if (navigator.vibrate) navigator.vibrate([400, 200, 400]);
            if (window.Notification && Notification.permission === "granted" && navigator.serviceWorker) {
              navigator.serviceWorker.getRegistration().then(function (r) {
                if (r) r.showNotification(document.title, { body: text, tag: o.ticket, renotify: true });
              });
            }
          }

          function place(m) {
            show("position", String(m.position));
            show("wait", "~" + m.wait + " min");
            if (m.last) { show("last-number", m.last); document.getElementById("last").hidden = false; }
            if (!alerted && o.alertAt > 0 && m.position <= o.alertAt) {
              alerted = true;
              sessionStorage.setItem(seenKey, "1");
              alertVisitor(o.words.soon.replace("#", String(m.position - 1)));
            }
          }

          function called(m) {
            var live = document.getElementById("live");
            var text = o.words.turn + " " + o.words.calledTo + " " + (o.counters[m.counter] || m.counter);
            if (live) { live.textContent = ""; var p = document.createElement("p"); p.className = "called"; p.textContent = text; live.appendChild(p); }
            ["notify"].forEach(function (id) { var e = document.getElementById(id); if (e) e.hidden = true; });
            var back = document.querySelector("form.back");
            if (back) back.hidden = true;
            alertVisitor(text);
          }

          if (o.state === "waiting" || o.state === "called" || o.state === "parked") {
            var source = new EventSource(o.events);
            source.onmessage = function (e) {
              var m = JSON.parse(e.data);
              if (m.type === "place" && m.ticket === o.ticket) place(m);
              else if (m.type === "call" && m.ticket === o.ticket) called(m);
              else if ((m.type === "finished" || m.type === "transferred" || m.type === "parked") && m.ticket === o.ticket) location.reload();
              else if (m.type === "day") location.reload();
            };
          }

          // Web Push: a message even with the phone locked, where the browser can.
          var button = document.getElementById("notify");
          if (button && window.Notification && navigator.serviceWorker && o.vapid) {
            button.hidden = false;
            button.addEventListener("click", function () {
              Notification.requestPermission().then(function (p) {
                if (p !== "granted") return;
                return navigator.serviceWorker.register("/sw.js").then(function () {
                  return navigator.serviceWorker.ready;
                }).then(function (r) {
                  return r.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(o.vapid) });
                }).then(function (s) {
                  return fetch(o.push, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(s) });
                }).then(function () {
                  button.hidden = true;
                  show("alert", o.words.notifyOn);
                });
              }).catch(function () {});
            });
          }
          function key(b64) {
            var s = atob(b64.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64.length + 3) % 4));
            var out = new Uint8Array(s.length);
            for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
            return out;
          }
        })();
        """#

    /// The services page's script: each queue's figures as they change, from `/events`.
    static let services = #"""
        (function () {
          "use strict";
          var main = document.getElementById("services");
          var o = JSON.parse(main.getAttribute("data-options"));
          var source = new EventSource(o.events);
          source.onmessage = function (e) {
            var m = JSON.parse(e.data);
            if (m.type === "reloaded" || m.type === "day") { location.reload(); return; }
            if (m.type !== "queue") return;
            var row = document.getElementById("q-" + m.queue);
            if (!row) return;
            var opens = m.opens && m.opens[o.lang];
            row.className = m.open ? "" : "closed";
            row.cells[0].nextElementSibling.textContent = m.open
              ? m.waiting + " " + o.words.waiting + " · " + o.words.wait + " ~" + m.wait + " min"
              : o.words.closed + (opens ? " · " + opens : "");
          };
        })();
        """#

    /// The service worker: shows what vuorod pushes, and opens the ticket's page when the notification is touched.
    static let worker = #"""
        self.addEventListener("push", function (e) {
          var m = {};
          try { m = e.data.json(); } catch (x) { m = { title: "vuoro", body: e.data ? e.data.text() : "" }; }
          e.waitUntil(self.registration.showNotification(m.title, { body: m.body, tag: m.tag, renotify: true, data: m.url }));
        });
        self.addEventListener("notificationclick", function (e) {
          e.notification.close();
          if (e.notification.data) e.waitUntil(clients.openWindow(e.notification.data));
        });
        """#
}
