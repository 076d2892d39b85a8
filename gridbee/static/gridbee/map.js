/* GridBee grid map. Plain JS, no build step; needs Leaflet (vendor/leaflet) loaded first.

   Reads its settings from the <script type="application/json" id="grid-map-config"> the page
   renders, then:
   - draws the grids of the current view from GET {gridsUrl}?bbox=west,south,east,north
     (a GeoJSON FeatureCollection; properties code, name, kind, community_code), redrawing on
     moveend, debounced; a 4xx answer {"code", "message"} (e.g. geo.bbox_too_large) is shown
     as it is and nothing is drawn;
   - on a click asks GET {locateUrl}?lat=..&lon=..&crs=wgs84 which grid and regions hold the
     point ({match, grid, regions}) and shows the answer in a popup.
   Base tiles only when the server configured a tile URL: never a public tile server.
   Text from the server goes into the page with textContent, never as HTML. */
(function () {
  "use strict";

  var mapEl = document.getElementById("grid-map");
  var configEl = document.getElementById("grid-map-config");
  if (!mapEl || !configEl) {
    return;
  }
  var statusEl = document.getElementById("grid-map-status");
  var cfg = JSON.parse(configEl.textContent);
  var T = cfg.text;

  function fmt(template, params) {
    return template.replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
    });
  }

  function setStatus(text, kind) {
    if (statusEl) {
      statusEl.textContent = text;
      statusEl.setAttribute("data-kind", kind || "");
    }
  }

  function node(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) {
      el.textContent = String(text);
    }
    if (className) {
      el.className = className;
    }
    return el;
  }

  if (!window.L) {
    setStatus(fmt(T.failed, { status: "Leaflet" }), "error");
    return;
  }

  var map = L.map(mapEl, {
    center: [cfg.center.lat, cfg.center.lon],
    zoom: cfg.zoom,
    preferCanvas: true, // thousands of polygons draw faster on one canvas than as SVG nodes
    minZoom: 3,
    maxZoom: 19,
  });
  // Leaflet's default prefix links to its website; an intranet page links nowhere outside.
  map.attributionControl.setPrefix("Leaflet");
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
  }

  var STYLES = {
    comprehensive: { color: "#0a4fc4", weight: 2, opacity: 0.9, fillColor: "#0a4fc4", fillOpacity: 0.08 },
    dedicated: { color: "#9a5b00", weight: 2, opacity: 0.9, fillColor: "#f5b400", fillOpacity: 0.15, dashArray: "6 4" },
  };

  var grids = L.geoJSON(null, {
    style: function (feature) {
      var kind = feature.properties && feature.properties.kind;
      return STYLES[kind] || STYLES.comprehensive;
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties || {};
      var label = node("span", [p.name, p.code].filter(Boolean).join(" · "));
      layer.bindTooltip(label, { sticky: true, direction: "top" });
    },
  }).addTo(map);

  // Answers come as JSON, errors too ({"code", "message"}); anything else counts as no body.
  function fetchJson(url, signal) {
    return fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: signal,
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
    });
  }

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  function bboxParam() {
    var b = map.getBounds();
    return [
      clamp(b.getWest(), -180, 180),
      clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180),
      clamp(b.getNorth(), -90, 90),
    ]
      .map(function (v) {
        return v.toFixed(6);
      })
      .join(",");
  }

  var gridsRequest = null;

  function loadGrids() {
    if (gridsRequest) {
      gridsRequest.abort();
    }
    var controller = new AbortController();
    gridsRequest = controller;
    setStatus(T.loading, "busy");
    mapEl.setAttribute("aria-busy", "true");
    fetchJson(cfg.gridsUrl + "?bbox=" + encodeURIComponent(bboxParam()), controller.signal)
      .then(function (answer) {
        if (gridsRequest !== controller) {
          return; // a newer view superseded this one
        }
        grids.clearLayers();
        var body = answer.body;
        if (answer.ok && body && body.type === "FeatureCollection") {
          grids.addData(body);
          var count = (body.features || []).length;
          setStatus(count ? fmt(T.shown, { count: count }) : T.none, "ok");
        } else if (body && body.code && body.message) {
          setStatus(body.message, "error"); // e.g. geo.bbox_too_large: zoom in
        } else {
          setStatus(fmt(T.failed, { status: answer.status }), "error");
        }
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          return;
        }
        if (gridsRequest === controller) {
          setStatus(T.offline, "error"); // keep what is drawn: it is still right where it is
        }
      })
      .finally(function () {
        if (gridsRequest === controller) {
          gridsRequest = null;
          mapEl.removeAttribute("aria-busy");
        }
      });
  }

  var moveTimer = null;
  map.on("moveend", function () {
    window.clearTimeout(moveTimer);
    moveTimer = window.setTimeout(loadGrids, cfg.debounceMs);
  });

  function describeLocation(body, lat, lon) {
    var box = node("div", null, "locate-popup");
    var grid = body && body.grid;
    if (body && body.match === "grid" && grid) {
      box.appendChild(node("strong", grid.name));
      var dl = node("dl");
      dl.appendChild(node("dt", T.code));
      dl.appendChild(node("dd", grid.code));
      dl.appendChild(node("dt", T.kind));
      dl.appendChild(node("dd", cfg.kinds[grid.kind] || grid.kind));
      box.appendChild(dl);
    } else if (body && body.match === "region") {
      box.appendChild(node("p", T.regionOnly));
    } else {
      box.appendChild(node("p", T.outside));
    }
    var regions = (body && body.regions) || [];
    if (regions.length) {
      var list = node("ol");
      regions.forEach(function (region) {
        var item = node("li");
        item.appendChild(node("span", cfg.levels[String(region.level)] || region.level, "level"));
        item.appendChild(document.createTextNode(" " + region.name + " "));
        item.appendChild(node("span", region.code, "code"));
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    box.appendChild(node("p", T.coords + " " + lat + ", " + lon, "coords"));
    return box;
  }

  var locateRequest = null;

  map.on("click", function (event) {
    var point = event.latlng.wrap();
    var lat = point.lat.toFixed(6);
    var lon = point.lng.toFixed(6);
    if (locateRequest) {
      locateRequest.abort();
    }
    var controller = new AbortController();
    locateRequest = controller;
    var popup = L.popup({
      // Narrow enough to fit beside the zoom buttons (padding below and the popup's margins).
      maxWidth: Math.max(180, Math.min(320, mapEl.clientWidth - 124)),
      minWidth: 180,
      // Keep the popup clear of the zoom buttons (top left), which sit above it.
      autoPanPaddingTopLeft: L.point(72, 16),
      autoPanPaddingBottomRight: L.point(16, 16),
    })
      .setLatLng(event.latlng)
      .setContent(node("p", T.locating, "locate-popup"))
      .openOn(map);
    var url =
      cfg.locateUrl +
      "?lat=" + encodeURIComponent(lat) +
      "&lon=" + encodeURIComponent(lon) +
      "&crs=wgs84";
    fetchJson(url, controller.signal)
      .then(function (answer) {
        if (locateRequest !== controller) {
          return;
        }
        if (answer.ok) {
          popup.setContent(describeLocation(answer.body, lat, lon));
        } else {
          var message =
            answer.body && answer.body.message
              ? answer.body.message
              : fmt(T.locateFailed, { status: answer.status });
          popup.setContent(node("p", message, "locate-popup"));
        }
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          return;
        }
        if (locateRequest === controller) {
          popup.setContent(node("p", T.offline, "locate-popup"));
        }
      })
      .finally(function () {
        if (locateRequest === controller) {
          locateRequest = null;
        }
      });
  });

  // Handles for later page scripts and for tests; the map is up once data-ready is set.
  mapEl.gridbee = { map: map, grids: grids, reload: loadGrids };
  mapEl.setAttribute("data-ready", "true");
  loadGrids();
})();
