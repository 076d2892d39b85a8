/* GridBee hotline page: a click on the map places the caller's report into #lat/#lon
   (WGS-84). Plain JS; needs Leaflet loaded first. */
(function () {
  "use strict";
  var el = document.getElementById("hotline-map");
  var cfgEl = document.getElementById("hotline-map-config");
  if (!el || !cfgEl || !window.L) {
    return;
  }
  var cfg = JSON.parse(cfgEl.textContent);
  var map = L.map(el).setView([cfg.center.lat, cfg.center.lon], cfg.zoom);
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  }
  var marker = null;
  map.on("click", function (e) {
    document.getElementById("lat").value = e.latlng.lat.toFixed(6);
    document.getElementById("lon").value = e.latlng.lng.toFixed(6);
    document.getElementById("crs").value = "wgs84";
    if (marker) {
      marker.setLatLng(e.latlng);
    } else {
      marker = L.marker(e.latlng).addTo(map);
    }
  });
})();
