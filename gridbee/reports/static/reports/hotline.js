/* GridBee hotline page: a click on the map places the caller's report into #lat/#lon
   (WGS-84, gridbee/place-picker.js). Plain JS; needs Leaflet and the picker loaded first. */
(function () {
  "use strict";
  var el = document.getElementById("hotline-map");
  var cfgEl = document.getElementById("hotline-map-config");
  if (!el || !cfgEl || !window.L || !window.GridBeePlacePicker) {
    return;
  }
  var cfg = JSON.parse(cfgEl.textContent);
  var map = L.map(el).setView([cfg.center.lat, cfg.center.lon], cfg.zoom);
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  }
  window.GridBeePlacePicker(map);
})();
