/* GridBee report form (随手拍). Plain JS, no build step; needs Leaflet (vendor/leaflet),
   report-queue.js and report-status.js loaded first.

   Takes 1 to 3 photos (downscaled on the phone when it can: long edge at most photoMaxEdge,
   JPEG), the location from the phone with its accuracy and a pin to drag, a category, a line of
   text and the urgent switch. Send puts the report in the offline queue with a fresh
   Idempotency-Key first, then sends it (report-status.js shows what happens next).
   Text goes into the page with textContent, never as HTML. */
(function () {
  "use strict";

  var R = window.gridbeeReports;
  if (!R || R.cfg.page !== "report") {
    return;
  }
  var cfg = R.cfg;
  var T = R.text;
  var Q = R.queue;
  var fmt = R.fmt;
  var node = R.node;
  var csrfToken = R.csrfToken;
  var askForSync = R.askForSync;
  var refresh = R.refresh;
  var flush = R.flush;
  var showOutcome = R.showOutcome;
  var outcomesEl = R.outcomes;

  var form = document.getElementById("report-form");
  var sendButton = document.getElementById("send");
  var formError = document.getElementById("form-error");
  var photos = [];
  var previews = document.getElementById("photo-previews");
  var photoError = document.getElementById("photo-error");
  var photoButtons = document.getElementById("photo-buttons");
  var cameraInput = document.getElementById("photo-camera");
  var galleryInput = document.getElementById("photo-gallery");
  var categoryError = document.getElementById("category-error");
  var locationError = document.getElementById("location-error");
  var textInput = document.getElementById("report-text");
  var urgent = document.getElementById("report-emergency");
  var urgentSwitch = urgent.closest(".switch");
  var photoSeq = 0;

  function setError(el, message) {
    el.textContent = message || "";
    el.hidden = !message;
    var step = el.closest(".step");
    if (step) {
      step.classList.toggle("has-error", Boolean(message));
    }
  }

  // -- Photos: downscaled on the phone (long edge ≤ photoMaxEdge, JPEG), the original if not.

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return decodeWithImg(file);
      });
    }
    return decodeWithImg(file);
  }

  function decodeWithImg(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        URL.revokeObjectURL(url);
        resolve(img);
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new Error("not an image"));
      };
      img.src = url;
    });
  }

  function downscale(file) {
    return decode(file)
      .then(function (image) {
        var width = image.naturalWidth || image.width;
        var height = image.naturalHeight || image.height;
        var scale = Math.min(1, cfg.photoMaxEdge / Math.max(width, height));
        if (scale === 1 && file.type === "image/jpeg" && file.size < 1500000) {
          return file; // small enough already: no loss from encoding twice
        }
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(width * scale));
        canvas.height = Math.max(1, Math.round(height * scale));
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        if (image.close) {
          image.close();
        }
        return new Promise(function (resolve) {
          canvas.toBlob(resolve, "image/jpeg", cfg.photoQuality);
        }).then(function (blob) {
          canvas.width = canvas.height = 0; // let a cheap phone have its memory back
          if (!blob || !blob.size || (scale === 1 && blob.size >= file.size)) {
            return file;
          }
          return blob;
        });
      })
      .catch(function () {
        return file; // the server reads what the phone cannot; it refuses what is no photo
      });
  }

  function renderPhotos() {
    previews.textContent = "";
    photos.forEach(function (photo, n) {
      var li = node("li", null, "preview" + (photo.blob ? "" : " is-preparing"));
      li.setAttribute("data-photo", String(photo.seq));
      if (photo.url) {
        var img = node("img");
        img.src = photo.url;
        img.alt = fmt(T.photoAlt, { n: n + 1 });
        li.appendChild(img);
      } else {
        li.appendChild(node("span", "…", "preview-wait"));
      }
      var remove = node("button", "×", "preview-remove");
      remove.type = "button";
      remove.setAttribute("aria-label", fmt(T.removePhoto, { n: n + 1 }));
      remove.addEventListener("click", function () {
        photos.splice(photos.indexOf(photo), 1);
        if (photo.url) {
          URL.revokeObjectURL(photo.url);
        }
        renderPhotos();
      });
      li.appendChild(remove);
      previews.appendChild(li);
    });
    var full = photos.length >= cfg.maxPhotos;
    photoButtons.classList.toggle("is-full", full);
    cameraInput.disabled = galleryInput.disabled = full;
    previews.setAttribute("data-count", String(photos.length));
  }

  function addFiles(input) {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = ""; // the same photo may be chosen again after removing it
    var message = "";
    files.forEach(function (file) {
      if (file.type && file.type.indexOf("image/") !== 0) {
        message = T.notImage;
        return;
      }
      if (photos.length >= cfg.maxPhotos) {
        message = T.tooManyPhotos;
        return;
      }
      var photo = { seq: ++photoSeq, file: file, blob: null, url: null };
      photo.ready = downscale(file).then(function (blob) {
        photo.blob = blob;
        photo.file = null; // a cheap phone keeps one copy, not two
        photo.url = URL.createObjectURL(blob);
        if (photos.indexOf(photo) >= 0) {
          renderPhotos();
        }
      });
      photos.push(photo);
    });
    setError(photoError, message);
    renderPhotos();
  }

  cameraInput.addEventListener("change", function () {
    addFiles(cameraInput);
  });
  galleryInput.addEventListener("change", function () {
    addFiles(galleryInput);
  });

  // -- Location: the phone's fix with its accuracy; the pin can be dragged to correct it.

  var statusEl = document.getElementById("location-status");
  var accuracyEl = document.getElementById("location-accuracy");
  var relocate = document.getElementById("relocate");
  var mapEl = document.getElementById("report-map");
  var position = null; // {lat, lon, accuracy, source: "gps" | "pin"}
  var lastFix = null;
  var map = null;
  var pin = null;
  var circle = null;

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.setAttribute("data-state", kind);
  }

  function showAccuracy(metres) {
    if (metres === null || metres === undefined) {
      accuracyEl.hidden = true;
      accuracyEl.removeAttribute("data-metres");
      return;
    }
    var rounded = Math.max(1, Math.round(metres));
    accuracyEl.textContent = fmt(T.accuracy, { metres: rounded });
    accuracyEl.setAttribute("data-metres", String(rounded));
    accuracyEl.setAttribute("data-quality", rounded <= 30 ? "good" : rounded <= 100 ? "fair" : "poor");
    accuracyEl.hidden = false;
  }

  if (window.L) {
    map = L.map(mapEl, {
      center: [cfg.center.lat, cfg.center.lon],
      zoom: cfg.zoom,
      minZoom: 5,
      maxZoom: 19,
      zoomControl: true,
    });
    map.attributionControl.setPrefix("Leaflet");
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { maxZoom: 19 }).addTo(map);
    }
    var grids = L.geoJSON(null, {
      interactive: false,
      style: { color: "#0a4fc4", weight: 2, opacity: 0.8, fillColor: "#0a4fc4", fillOpacity: 0.06 },
    }).addTo(map);
    circle = L.circle([cfg.center.lat, cfg.center.lon], {
      radius: 0,
      interactive: false,
      color: "#1b6631",
      weight: 1,
      fillColor: "#1b6631",
      fillOpacity: 0.12,
    });
    pin = L.marker([cfg.center.lat, cfg.center.lon], {
      draggable: true,
      autoPan: true,
      keyboard: true,
      title: statusEl.textContent,
      icon: L.divIcon({
        className: "report-pin is-waiting",
        html: "<span></span>",
        iconSize: [34, 36],
        iconAnchor: [17, 34], // the drop's tip (report-pin in reports.css)
      }),
    }).addTo(map);
    pin.on("dragend", function () {
      var p = pin.getLatLng();
      placeByHand(p.lat, p.lng);
    });
    map.on("click", function (event) {
      pin.setLatLng(event.latlng);
      placeByHand(event.latlng.lat, event.latlng.lng);
    });

    var gridTimer = null;
    var gridRequest = null;
    var loadGrids = function () {
      if (gridRequest) {
        gridRequest.abort();
      }
      var controller = new AbortController();
      gridRequest = controller;
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
        .map(function (v) {
          return v.toFixed(6);
        })
        .join(",");
      fetch(cfg.gridsUrl + "?bbox=" + encodeURIComponent(bbox), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          if (gridRequest === controller && body && body.type === "FeatureCollection") {
            grids.clearLayers();
            grids.addData(body);
            loadedGrids = body.features || [];
            showGrid();
          }
        })
        .catch(function () {}); // offline: the pin is enough
    };
    map.on("moveend", function () {
      clearTimeout(gridTimer);
      gridTimer = setTimeout(loadGrids, 300);
    });
    loadGrids();
    mapEl.gridbee = { map: map, pin: pin, grids: grids };
  }

  // Which of the grids drawn holds the place (the server decides; this is for the eye).
  var loadedGrids = null;
  var gridEl = document.getElementById("location-grid");

  function inRing(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0];
      var yi = ring[i][1];
      var xj = ring[j][0];
      var yj = ring[j][1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  function inPolygon(rings, x, y) {
    return inRing(rings[0], x, y) && !rings.slice(1).some(function (hole) {
      return inRing(hole, x, y);
    });
  }

  function gridAt(lat, lon) {
    var found = null;
    (loadedGrids || []).some(function (feature) {
      var g = feature.geometry || {};
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      var hit = polygons.some(function (rings) {
        return inPolygon(rings, lon, lat);
      });
      if (hit) {
        found = feature.properties || {};
      }
      return hit;
    });
    return found;
  }

  function showGrid() {
    if (!position || loadedGrids === null) {
      gridEl.hidden = true;
      return;
    }
    var grid = gridAt(position.lat, position.lon);
    gridEl.textContent = grid ? fmt(T.gridHere, { name: grid.name }) : T.noGridHere;
    gridEl.setAttribute("data-grid", grid ? grid.code : "");
    gridEl.hidden = false;
  }

  function showPin(lat, lon, accuracy, waiting) {
    if (!pin) {
      return;
    }
    pin.setLatLng([lat, lon]);
    var icon = pin.getElement();
    if (icon) {
      icon.classList.toggle("is-waiting", Boolean(waiting));
    }
    if (accuracy) {
      circle.setLatLng([lat, lon]).setRadius(accuracy).addTo(map);
    } else {
      circle.remove();
    }
    showGrid();
  }

  function placeByHand(lat, lon) {
    position = { lat: lat, lon: lon, accuracy: null, source: "pin" };
    showPin(lat, lon, null, false);
    setStatus(T.adjusted, "adjusted");
    showAccuracy(null);
    relocate.hidden = !lastFix;
    setError(locationError, "");
  }

  function useFix(fix, recentre) {
    position = { lat: fix.lat, lon: fix.lon, accuracy: fix.accuracy, source: "gps" };
    showPin(fix.lat, fix.lon, fix.accuracy, false);
    if (map && recentre) {
      map.setView([fix.lat, fix.lon], Math.max(map.getZoom(), cfg.zoom));
    }
    setStatus(T.located, "located");
    showAccuracy(fix.accuracy);
    relocate.hidden = true;
    setError(locationError, "");
  }

  relocate.addEventListener("click", function () {
    if (lastFix) {
      useFix(lastFix, true);
    }
  });

  var watchId = null;

  function watch() {
    if (!("geolocation" in navigator)) {
      setStatus(T.noGeolocation, "error");
      return;
    }
    if (watchId !== null) {
      return;
    }
    watchId = navigator.geolocation.watchPosition(
      function (pos) {
        var first = lastFix === null;
        lastFix = { lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy };
        if (!position || position.source === "gps") {
          useFix(lastFix, first);
        } else {
          relocate.hidden = false;
        }
      },
      function (error) {
        if (position) {
          return; // keep the place we have
        }
        setStatus(error.code === 1 ? T.geoDenied : T.geoFailed, "error");
      },
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 }
    );
  }

  function unwatch() {
    if (watchId !== null) {
      navigator.geolocation.clearWatch(watchId);
      watchId = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      unwatch(); // a rider's battery matters
    } else {
      watch();
    }
  });
  setStatus(T.locating, "waiting");
  watch();

  // -- Category and the urgent switch (an emergency category is urgent already).

  function chosenCategory() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  }

  form.addEventListener("change", function (event) {
    if (event.target.name !== "category") {
      return;
    }
    var tile = event.target.closest(".cat");
    var emergency = tile && tile.getAttribute("data-urgency") === "emergency";
    urgentSwitch.hidden = emergency;
    setError(categoryError, "");
  });

  // -- Send: queue first (with its key), then send.

  function check() {
    var problems = [];
    setError(photoError, photos.length ? "" : T.needPhoto);
    if (!photos.length) {
      problems.push(photoError);
    }
    setError(locationError, position ? "" : T.needLocation);
    if (!position) {
      problems.push(locationError);
    }
    setError(categoryError, chosenCategory() ? "" : T.needCategory);
    if (!chosenCategory()) {
      problems.push(categoryError);
    }
    return problems;
  }

  function reset() {
    photos.forEach(function (photo) {
      if (photo.url) {
        URL.revokeObjectURL(photo.url);
      }
    });
    photos = [];
    renderPhotos();
    var checked = form.querySelector("input[name=category]:checked");
    if (checked) {
      checked.checked = false;
    }
    textInput.value = "";
    urgent.checked = false;
    urgentSwitch.hidden = false;
  }

  var busy = false;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    setError(formError, "");
    var problems = check();
    if (problems.length) {
      var step = problems[0].closest(".step");
      (step || problems[0]).scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    busy = true;
    sendButton.disabled = true;
    var label = sendButton.textContent;
    sendButton.textContent = T.preparing;
    var code = chosenCategory();
    var category = cfg.categories[code] || {};
    var taken = photos.slice();
    var place = position;
    var item = {
      id: Q.uuid(), // a fresh key per report; every retry sends the same one
      user: cfg.user,
      created: Date.now(),
      fields: {
        category: code,
        lat: place.lat.toFixed(7),
        lon: place.lon.toFixed(7),
        crs: "wgs84",
        accuracy: place.accuracy === null ? "" : place.accuracy.toFixed(1),
        text: textInput.value.trim(),
        emergency: urgent.checked && !urgentSwitch.hidden ? "true" : "false",
        phone_time: new Date().toISOString(),
      },
      photos: [],
      summary: { name: category.name || code, icon: category.icon || "" },
      attempts: 0,
    };
    Promise.all(
      taken.map(function (photo) {
        return photo.ready;
      })
    )
      .then(function () {
        item.photos = taken.map(function (photo, n) {
          return { blob: photo.blob || photo.file, name: "photo-" + (n + 1) + ".jpg" };
        });
        return Q.add(item).then(
          function () {
            return true;
          },
          function () {
            return false; // no IndexedDB (a private window): send it straight away
          }
        );
      })
      .then(function (queued) {
        reset();
        sendButton.textContent = T.sendingNow;
        if (navigator.storage && navigator.storage.persist) {
          navigator.storage.persist().catch(function () {});
        }
        if (queued) {
          askForSync();
          return refresh().then(flush);
        }
        return Q.send(item, { url: cfg.reportsUrl, csrf: csrfToken }).then(function (outcome) {
          if (outcome.kind === "sent" || outcome.kind === "refused") {
            showOutcome({ id: item.id, kind: outcome.kind, answer: outcome.answer, message: outcome.message, summary: item.summary });
          } else {
            setError(formError, outcome.kind === "login" ? T.needsLogin : T.offline);
          }
        });
      })
      .finally(function () {
        busy = false;
        sendButton.disabled = false;
        sendButton.textContent = label;
        if (outcomesEl.firstChild) {
          outcomesEl.scrollIntoView({ block: "start", behavior: "smooth" });
        }
      });
  });

  R.form = {
    position: function () {
      return position;
    },
    photos: function () {
      return photos;
    },
  };
})();
