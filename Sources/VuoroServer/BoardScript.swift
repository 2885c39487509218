// The lobby board's own script and style, served as /board.js and /board.css (the page allows nothing else): it
// follows /board/events, shows the latest call big, alternates between its languages, says when what it shows
// may be out of date, and speaks calls in order after a chime.

enum BoardAssets {
    static let script = #"""
        // The lobby board: follows its event stream (Server-Sent Events), renders with textContent only.
        (function () {
          "use strict";
          var main = document.getElementById("board");
          var opts = JSON.parse(main.getAttribute("data-options"));
          var state = null, langIndex = 0, lastHeard = Date.now(), highlightUntil = 0;
          var queue = [], playing = false, source = null;
          var audio = new Audio();

          function lang() { return opts.languages[langIndex % opts.languages.length]; }
          function words() { return (state && state.words[lang()]) || {}; }
          function counterName(id) {
            var c = state && state.counters[id];
            return (c && c[lang()]) || id;
          }
          function queueOf(id) {
            if (!state) return null;
            for (var i = 0; i < state.queues.length; i++) if (state.queues[i].queue === id) return state.queues[i];
            return null;
          }
          function queueName(id) {
            var q = queueOf(id);
            return (q && q.names[lang()]) || id;
          }
          function el(tag, cls, text) {
            var e = document.createElement(tag);
            if (cls) e.className = cls;
            if (text !== undefined) e.textContent = text;
            return e;
          }
          function setText(id, text) { document.getElementById(id).textContent = text; }

          function render() {
            if (!state) return;
            var w = words();
            document.documentElement.lang = lang();
            setText("now-label", w.now);
            var latest = state.calls[0];
            var main = document.getElementById("now");
            if (opts.counter) {
              var t = state.counter && state.counter.ticket;
              setText("now-ticket", t || (state.counter && state.counter.paused ? w.paused : "–"));
              setText("now-counter", counterName(opts.counter));
            } else {
              setText("now-ticket", latest ? latest.ticket : "–");
              setText("now-counter", latest ? "→ " + counterName(latest.counter) : "");
            }
            main.classList.toggle("new", Date.now() < highlightUntil);
            var history = document.getElementById("history");
            if (history) {
              history.textContent = "";
              state.calls.slice(1, 7).forEach(function (c) {
                var li = el("li");
                li.appendChild(el("span", "ticket", c.ticket));
                li.appendChild(el("span", "counter", counterName(c.counter)));
                li.appendChild(el("span", "at", c.at));
                history.appendChild(li);
              });
            }
            var rows = document.getElementById("queue-rows");
            if (rows) {
              setText("head-waiting", w.waiting);
              setText("head-wait", w.wait);
              rows.textContent = "";
              state.queues.forEach(function (q) {
                var tr = el("tr", q.open ? "" : "closed");
                tr.appendChild(el("th", "", q.names[lang()] || q.queue)).setAttribute("scope", "row");
                tr.appendChild(el("td", "waiting", String(q.waiting)));
                var opens = q.opens && q.opens[lang()];
                tr.appendChild(el("td", "wait", q.open ? "~" + q.wait + " min" : w.closed + (opens ? " · " + opens : "")));
                rows.appendChild(tr);
              });
            }
            var phone = document.getElementById("phone-label");
            if (phone) phone.textContent = w.phone;
            setText("stale", w.offline);
            setText("sound", w.sound);
          }

          function stale(on) { document.getElementById("stale").hidden = !on; }

          function apply(m) {
            if (m.type === "snapshot") { state = m; return; }
            if (!state) return;
            switch (m.type) {
            case "call":
              state.calls = state.calls.filter(function (c) { return c.ticket !== m.ticket; });
              state.calls.unshift(m);
              state.calls = state.calls.slice(0, 12);
              if (opts.counter && state.counter) { state.counter.ticket = m.ticket; state.counter.paused = false; }
              highlightUntil = Date.now() + 6000;
              speak(m);
              break;
            case "queue":
              var q = queueOf(m.queue);
              if (q) { q.open = m.open; q.waiting = m.waiting; q.wait = m.wait; q.opens = m.opens; }
              break;
            case "finished":
            case "transferred":
            case "parked":
              if (opts.counter && state.counter && state.counter.ticket === m.ticket) state.counter.ticket = null;
              break;
            case "counter":
              if (opts.counter && state.counter) state.counter.paused = m.paused;
              break;
            case "day":
              state.calls = [];
              if (state.counter) state.counter.ticket = null;
              break;
            case "reloaded":
              location.reload();
              break;
            }
          }

          // Calls are spoken one after the other, never over each other: a chime, then each language's words.
          function speak(m) {
            if (!m.speech || !opts.speak.length) return;
            queue.push("/chime.wav");
            opts.speak.forEach(function (l) { if (m.speech[l]) queue.push(m.speech[l]); });
            playNext();
          }
          function playNext() {
            if (playing || !queue.length) return;
            playing = true;
            audio.src = queue.shift();
            var p = audio.play();
            if (p && p.catch) p.catch(function () {
              // The browser holds sound until someone touches the screen: a button says so, once.
              playing = false;
              queue = [];
              document.getElementById("sound").hidden = false;
            });
          }
          audio.addEventListener("ended", function () { playing = false; playNext(); });
          audio.addEventListener("error", function () { playing = false; playNext(); });
          document.getElementById("sound").addEventListener("click", function () {
            document.getElementById("sound").hidden = true;
            audio.src = "/chime.wav";
            audio.play().catch(function () {});
          });

          function connect() {
            source = new EventSource(opts.events);
            source.onmessage = function (e) {
              lastHeard = Date.now();
              stale(false);
              apply(JSON.parse(e.data));
              render();
            };
            source.addEventListener("ping", function () { lastHeard = Date.now(); stale(false); });
            source.onerror = function () { stale(true); };
          }
          // A stream silent past three heartbeats may hang on a dead network: say so, and connect again.
          setInterval(function () {
            if (Date.now() - lastHeard > 40000) {
              stale(true);
              source.close();
              lastHeard = Date.now();
              connect();
            }
            render();
          }, 1000);
          setInterval(function () { langIndex += 1; render(); }, opts.rotate * 1000);
          connect();
        })();
        """#

    static let style = #"""
        html,body{margin:0;height:100%;background:#0b1622;color:#fff;font-family:"DejaVu Sans",Verdana,sans-serif}
        #board{display:grid;height:100vh;box-sizing:border-box;padding:2.5vh 2.5vw;gap:2vh 3vw;
          grid-template-columns:minmax(0,3fr) minmax(0,2fr);grid-template-rows:auto minmax(0,1fr);
          grid-template-areas:"head head" "left right"}
        header{grid-area:head}
        h1{margin:0;font-size:4vh;font-weight:600;color:#e8eef5}
        .left{grid-area:left;display:flex;flex-direction:column;gap:2.5vh;min-height:0}
        .right{grid-area:right;display:flex;flex-direction:column;justify-content:space-between;gap:2vh;min-height:0}
        #now{display:flex;flex-direction:column;justify-content:center;border-radius:2vh;padding:2vh 2.5vw;
          background:#13263a}
        #now.new{background:#ffd400;color:#000}
        #now h2{margin:0;font-size:4.5vh;font-weight:600}
        #now-ticket{margin:0;font-size:22vh;line-height:1.05;font-weight:700;letter-spacing:.02em}
        #now-counter{margin:0;font-size:7.5vh;font-weight:700;overflow-wrap:anywhere}
        table{border-collapse:collapse;width:100%;font-size:3.6vh}
        th,td{text-align:left;vertical-align:top;padding:1.1vh .5vw;border-bottom:2px solid #3b5068}
        th{font-weight:700;overflow-wrap:break-word;hyphens:auto}
        thead th{font-weight:400;font-size:2.8vh;color:#c9d3dd;border-bottom-width:0;padding-bottom:0}
        td{white-space:nowrap}
        td.waiting{text-align:right;padding-right:1.5vw}
        tr.closed td.wait{white-space:normal}
        tr.closed th,tr.closed td{color:#c9d3dd}
        #history{list-style:none;margin:0;padding:0;font-size:4.4vh}
        #history li{display:grid;grid-template-columns:5.2em minmax(0,1fr) auto;gap:1.5vw;padding:.5vh 0;
          border-bottom:1px solid #26384c}
        #history .ticket{font-weight:700}
        #history .counter{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
        #history .at{color:#c9d3dd}
        .phone{display:flex;gap:1.5vw;align-items:center;font-size:3vh}
        .phone svg{width:20vh;height:20vh;flex:none}
        .phone p{margin:0}
        #phone-url{font-weight:700;overflow-wrap:anywhere}
        #stale{position:fixed;left:0;right:0;bottom:0;margin:0;padding:1.5vh 2.5vw;background:#b00020;color:#fff;
          font-size:4vh;font-weight:700}
        #sound{position:fixed;right:2.5vw;top:2vh;font-size:3vh;padding:1vh 1.5vw;background:#fff;color:#000;border:0;
          border-radius:1vh}
        [hidden]{display:none!important}
        body.counter #board{grid-template-columns:1fr;grid-template-areas:"head" "left"}
        body.counter #now{flex:1;align-items:center;text-align:center}
        body.counter #now-ticket{font-size:38vh}
        body.counter #now-counter{font-size:10vh}
        @media (orientation:portrait){
          #board{grid-template-columns:minmax(0,1fr);grid-template-rows:auto auto minmax(0,1fr);
            grid-template-areas:"head" "left" "right"}
          h1{font-size:2.6vh}
          #board{gap:1.5vh 3vw}
          #now-ticket{font-size:12vh}
          #now-counter{font-size:4.5vh}
          #now h2{font-size:3vh}
          table{font-size:2.4vh}
          thead th{font-size:2vh}
          #history{font-size:2.6vh}
          .phone{font-size:2.2vh}
          .phone svg{width:12vh;height:12vh}
          body.counter #board{grid-template-rows:auto minmax(0,1fr)}
          body.counter #now-ticket{font-size:22vh}
          body.counter #now-counter{font-size:6vh}
        }
        """#
}
