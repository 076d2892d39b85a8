/* The heat map: one circle per H3 cell, sized and coloured by its count (counts only). */
(function () {
  "use strict";
  var el = document.getElementById("heat-map");
  if (!el || !window.L) return;
  fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (cells) {
      var map = window.L.map(el, { zoomControl: true, attributionControl: false });
      var list = document.getElementById("heat-list");
      if (!cells.length) { map.setView([26.13, 106.66], 12); el.setAttribute("data-ready", "0"); return; }
      var max = Math.max.apply(null, cells.map(function (c) { return c.n; }));
      var bounds = [];
      cells.forEach(function (c, i) {
        var share = c.n / max;
        var colour = share > 0.66 ? "#c62828" : share > 0.33 ? "#ef6c00" : "#f9a825";
        window.L.circle([c.lat, c.lon], { radius: 250 + 350 * share, color: colour,
          fillColor: colour, fillOpacity: 0.35 + 0.4 * share, weight: 1 })
          .bindTooltip(String(c.n)).addTo(map);
        bounds.push([c.lat, c.lon]);
        if (i < 10) {
          var li = document.createElement("li");
          li.textContent = c.cell + ": " + c.n;
          list.appendChild(li);
        }
      });
      map.fitBounds(bounds, { padding: [30, 30] });
      el.setAttribute("data-ready", String(cells.length));
    });
})();
