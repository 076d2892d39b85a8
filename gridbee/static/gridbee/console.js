/* GridBee case pages: the console's queue, a case's page, the department's list and the
   reporter's case page. Plain JS, no build step; Leaflet (vendor/leaflet) is loaded first.

   - Map: #case-map draws markers from <script id="case-map-config"> ({center, zoom, tileUrl,
     markers: [{id, lat, lon, emergency, label, url}]}). Base tiles only when the server set a
     tile URL: never a public tile server.
   - Live: an element [data-live-url] opens an EventSource there. Each event ({type, id, kind,
     status, urgency, version}) only says what changed; the page then fetches its own fragment
     ([data-fragment-url]) from the server, which scopes it to the viewer, and swaps it in.
     The browser reconnects by itself and the server replays what was missed (Last-Event-ID);
     a "reset" event says it could not, and the page fetches its fragments anew.
   - A new emergency in the refreshed queue shows an alert and beeps (Web Audio, no files).
   Server text is put into the page with textContent; fragments are the server's own HTML. */
(function () {
  "use strict";

  var textEl = document.getElementById("live-text");
  var T = textEl ? JSON.parse(textEl.textContent) : {};

  function fmt(template, params) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
    });
  }

  // -- map ------------------------------------------------------------------------------------

  var mapEl = document.getElementById("case-map");
  var map = null;
  var markerLayer = null;

  function drawMarkers() {
    var configEl = document.getElementById("case-map-config");
    if (!mapEl || !configEl || !window.L) {
      return;
    }
    var cfg = JSON.parse(configEl.textContent);
    if (!map) {
      map = L.map(mapEl, { center: [cfg.center.lat, cfg.center.lon], zoom: cfg.zoom });
      map.attributionControl.setPrefix("Leaflet");
      if (cfg.tileUrl) {
        L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
      }
      markerLayer = L.layerGroup().addTo(map);
    }
    markerLayer.clearLayers();
    var bounds = [];
    (cfg.markers || []).forEach(function (m) {
      var marker = L.circleMarker([m.lat, m.lon], {
        radius: m.emergency ? 9 : 6,
        color: m.emergency ? "#b00020" : "#0a4fc4",
        fillColor: m.emergency ? "#e53935" : "#4f8ef7",
        fillOpacity: 0.8,
        weight: 2,
      });
      var label = document.createElement(m.url ? "a" : "span");
      label.textContent = m.label;
      if (m.url) {
        label.href = m.url;
      }
      marker.bindPopup(label);
      marker.addTo(markerLayer);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length > 1 && !mapEl.hasAttribute("data-fitted")) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
      mapEl.setAttribute("data-fitted", "true");
    }
    mapEl.setAttribute("data-ready", "true");
    mapEl.setAttribute("data-markers", String(bounds.length));
  }

  drawMarkers();

  // -- sound ----------------------------------------------------------------------------------

  var audio = null;

  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) {
      return null;
    }
    if (!audio) {
      audio = new Ctx();
    }
    return audio;
  }

  // Browsers start audio only after a gesture: unlock it on the first click or key.
  function unlock() {
    var ctx = audioContext();
    if (ctx && ctx.state === "suspended") {
      ctx.resume();
    }
    document.removeEventListener("click", unlock);
    document.removeEventListener("keydown", unlock);
  }
  document.addEventListener("click", unlock);
  document.addEventListener("keydown", unlock);

  function beep() {
    var ctx = audioContext();
    if (!ctx) {
      return;
    }
    [0, 0.3].forEach(function (offset) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, ctx.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + offset + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + offset);
      osc.stop(ctx.currentTime + offset + 0.25);
    });
    document.body.setAttribute("data-beeps", String(Number(document.body.getAttribute("data-beeps") || 0) + 1));
  }

  // -- fragments ------------------------------------------------------------------------------

  function refresh(target) {
    var url = target.getAttribute("data-fragment-url");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var same = target.id ? doc.getElementById(target.id) : null;
        target.innerHTML = (same || doc.body).innerHTML;
        // Scripts in parsed HTML do not run; the map config is data, read again below.
        var config = (same || doc.body).querySelector("#case-map-config");
        var current = document.getElementById("case-map-config");
        if (config && current && !target.contains(current)) {
          current.textContent = config.textContent;
        }
        drawMarkers();
      });
  }

  // -- live -----------------------------------------------------------------------------------

  var liveEl = document.querySelector("[data-live-url]");
  var statusEl = document.querySelector("[data-live-status]");
  var alertEl = document.getElementById("emergency-alert");

  function setStatus(text, kind) {
    if (statusEl) {
      statusEl.textContent = text;
      statusEl.setAttribute("data-kind", kind);
    }
  }

  function known() {
    var ids = {};
    document.querySelectorAll("#queue [data-case-id]").forEach(function (row) {
      ids[row.getAttribute("data-case-id")] = true;
    });
    return ids;
  }

  function onQueueEvent(event) {
    var queue = document.getElementById("queue");
    if (!queue) {
      return;
    }
    var before = known();
    refresh(queue).then(function () {
      if (event.urgency !== "emergency") {
        return;
      }
      var row = queue.querySelector('[data-case-id="' + Number(event.id) + '"][data-urgency="emergency"]');
      var isNew = !before[String(event.id)] || event.kind === "marked_emergency";
      if (row && isNew) {
        row.classList.add("is-new");
        if (alertEl) {
          alertEl.textContent = fmt(T.newEmergency, { id: event.id });
          alertEl.hidden = false;
        }
        beep();
      }
    });
  }

  function onCaseEvent(event) {
    var timeline = document.getElementById("timeline");
    if (timeline) {
      refresh(timeline);
    }
    var version = liveEl.getAttribute("data-version");
    var changed = document.getElementById("case-changed");
    if (changed && version !== null && String(event.version) !== version) {
      changed.textContent = T.changed + " ";
      var link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = T.reload;
      changed.appendChild(link);
      changed.hidden = false;
    }
  }

  if (liveEl && window.EventSource) {
    var kind = liveEl.getAttribute("data-live-kind");
    var source = new EventSource(liveEl.getAttribute("data-live-url"));
    source.onopen = function () {
      setStatus(T.live || "", "live");
      document.body.setAttribute("data-live", "open");
    };
    source.onerror = function () {
      setStatus(T.offline || "", "offline");
      document.body.setAttribute("data-live", "retrying");
    };
    source.onmessage = function (message) {
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (kind === "case") {
        onCaseEvent(event);
      } else {
        onQueueEvent(event);
      }
    };
    // The stream could not replay what was missed while it was away: fetch it all anew.
    source.addEventListener("reset", function () {
      if (kind === "case") {
        onCaseEvent({});
      } else {
        onQueueEvent({});
      }
    });
    window.addEventListener("pagehide", function () {
      source.close();
    });
  }
})();
