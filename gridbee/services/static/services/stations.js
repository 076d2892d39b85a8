/* The stations page: a Leaflet map of the listed stations, and "nearest open now", which asks
   the phone for its position and reloads the page with it (the server finds the stations).
   Plain JS, no build step. Base tiles only when the server configured a tile URL. */
(function () {
  "use strict";
  var configEl = document.getElementById("station-map-config");
  if (!configEl) {
    return;
  }
  var cfg = JSON.parse(configEl.textContent);
  var statusEl = document.getElementById("station-status");
  var mapEl = document.getElementById("station-map");

  if (window.L && mapEl) {
    var map = L.map(mapEl, { center: [cfg.center.lat, cfg.center.lon], zoom: cfg.zoom });
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
    }
    var bounds = [];
    cfg.markers.forEach(function (m) {
      var marker = L.circleMarker([m.lat, m.lon], {
        radius: 8, weight: 2, color: "#17191c", fillColor: m.open ? "#f5b400" : "#bbbbbb", fillOpacity: 0.9,
      }).addTo(map);
      var label = document.createElement("span");
      label.textContent = m.name;
      marker.bindPopup(label);
      bounds.push([m.lat, m.lon]);
    });
    if (cfg.me) {
      L.circleMarker([cfg.me.lat, cfg.me.lon], { radius: 6, color: "#1565c0", fillOpacity: 1 }).addTo(map);
      bounds.push([cfg.me.lat, cfg.me.lon]);
    }
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    }
  }

  var button = document.getElementById("station-locate");
  if (button) {
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        statusEl.textContent = cfg.text.denied;
        return;
      }
      statusEl.textContent = cfg.text.locating;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          document.getElementById("station-lat").value = pos.coords.latitude.toFixed(6);
          document.getElementById("station-lon").value = pos.coords.longitude.toFixed(6);
          document.getElementById("station-search").submit();
        },
        function () {
          statusEl.textContent = cfg.text.denied;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
})();
