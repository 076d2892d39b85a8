/* GridBee alert console. Plain JS, no build step; needs Leaflet loaded first.
   Reads <script id="alert-map-config">. Two modes of #alert-map:
   - pick (publish form): a click places the last-seen point into #lat/#lon (WGS-84: the
     form's coordinate system is reset to WGS-84 when the map sets it), with the shared
     gridbee/place-picker.js;
   - follow (one alert): the last-seen point and radius, told partners as counts per area
     (never a position), sightings as markers; refreshed from {alertUrl} on each event of
     the alert's live stream {liveUrl}; each sighting gets useful / not useful buttons that
     POST to the API. Text from the server goes in with textContent. */
(function () {
  "use strict";

  var mapEl = document.getElementById("alert-map");
  var cfgEl = document.getElementById("alert-map-config");
  if (!mapEl || !cfgEl || !window.L) {
    return;
  }
  var cfg = JSON.parse(cfgEl.textContent);
  var T = cfg.text;
  var center = cfg.lastSeen || cfg.center;
  var map = L.map(mapEl).setView([center.lat, center.lon], cfg.lastSeen ? 13 : cfg.zoom);
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  if (mapEl.dataset.mode === "pick") {
    window.GridBeePlacePicker(map);
    return;
  }

  L.circleMarker([center.lat, center.lon], { radius: 8, color: "#c0392b" })
    .addTo(map)
    .bindTooltip(T.lastSeen);
  var radius = null;
  var areas = L.layerGroup().addTo(map);
  var sightingsLayer = L.layerGroup().addTo(map);
  var list = document.getElementById("sightings");
  var statusEl = document.getElementById("live-status");

  function mark(id, useful) {
    return fetch(cfg.markUrl.replace("/0/", "/" + id + "/"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ useful: useful }),
    }).then(refresh);
  }

  function sightingItem(s) {
    var li = document.createElement("li");
    li.className = "sighting";
    li.dataset.sighting = String(s.id);
    li.dataset.useful = s.useful === null ? "unknown" : s.useful ? "yes" : "no";
    var img = document.createElement("img");
    img.src = s.photo_url + "?size=thumb";
    img.alt = "";
    img.className = "sighting-photo";
    li.appendChild(img);
    var text = document.createElement("span");
    var when = new Date(s.seen_at);
    text.textContent =
      when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
      " · " + s.partner_name + " · " + s.text +
      (s.group_id ? " · " + T.group.replace("%(id)s", s.group_id) : "");
    li.appendChild(text);
    if (s.useful === null) {
      [[true, T.useful], [false, T.notUseful]].forEach(function (choice) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "btn-quiet";
        b.dataset.mark = choice[0] ? "useful" : "not-useful";
        b.textContent = choice[1];
        b.addEventListener("click", function () {
          mark(s.id, choice[0]);
        });
        li.appendChild(b);
      });
    } else {
      var done = document.createElement("em");
      done.textContent = s.useful ? T.markedUseful : T.markedNotUseful;
      li.appendChild(done);
    }
    return li;
  }

  function draw(alert) {
    Object.keys(alert.counts).forEach(function (k) {
      var n = document.querySelector('[data-count="' + k + '"]');
      if (n) {
        n.textContent = String(alert.counts[k]);
      }
    });
    var statusBadge = document.getElementById("alert-status");
    if (statusBadge) {
      statusBadge.dataset.status = alert.status;
    }
    if (radius) {
      map.removeLayer(radius);
    }
    if (alert.radius_m) {
      radius = L.circle([center.lat, center.lon], { radius: alert.radius_m, fill: false }).addTo(map);
    }
    areas.clearLayers();
    alert.areas.forEach(function (a) {
      L.circleMarker([a.lat, a.lon], { radius: 6 + Math.min(20, a.count), color: "#2d7d46" })
        .bindTooltip(a.count + " " + T.told)
        .addTo(areas);
    });
    sightingsLayer.clearLayers();
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    alert.sightings.forEach(function (s) {
      L.marker([s.lat, s.lon]).bindTooltip(s.text || "#" + s.id).addTo(sightingsLayer);
      list.appendChild(sightingItem(s));
    });
  }

  function refresh() {
    return fetch(cfg.alertUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (alert) {
        if (alert) {
          draw(alert);
        }
      })
      .catch(function () {});
  }

  refresh();
  if (window.EventSource) {
    var source = new EventSource(cfg.liveUrl);
    source.onopen = function () {
      if (statusEl) {
        statusEl.textContent = T.live;
        statusEl.dataset.live = "yes";
      }
    };
    source.onerror = function () {
      if (statusEl) {
        statusEl.textContent = T.offline;
        statusEl.dataset.live = "no";
      }
    };
    source.onmessage = refresh;
    source.addEventListener("reset", refresh);  // events were missed and cannot be replayed
  }
})();
