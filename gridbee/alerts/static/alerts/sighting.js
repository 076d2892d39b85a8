/* GridBee sighting form (partner alert page). One tap: a photo, the phone's location, the time
   and a line. Each sighting gets its Idempotency-Key when made and is kept in localStorage
   (the photo downscaled, as a data URL) until the server answers: sent when the network is
   back, as often as needed, and filed once. Text from the server goes in with textContent. */
(function () {
  "use strict";

  var cfgEl = document.getElementById("sighting-config");
  if (!cfgEl) {
    return;
  }
  var cfg = JSON.parse(cfgEl.textContent);
  var T = cfg.text;
  var STORE = "gridbee-sightings";
  var form = document.getElementById("sighting-form");
  var statusEl = document.getElementById("sighting-status");
  var locEl = document.getElementById("sighting-location");
  var position = null;

  function say(text) {
    if (statusEl) {
      statusEl.textContent = text;
    }
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function pending() {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "[]");
    } catch (e) {
      return [];
    }
  }

  function keep(list) {
    localStorage.setItem(STORE, JSON.stringify(list));
  }

  function key() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function dataUrlToBlob(url) {
    var parts = url.split(",");
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) {
      array[i] = bytes.charCodeAt(i);
    }
    return new Blob([array], { type: "image/jpeg" });
  }

  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 1280 / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(img.src);
        resolve(canvas.toDataURL("image/jpeg", 0.85));
      };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }

  function sendOne(item) {
    var body = new FormData();
    body.append("lat", item.lat);
    body.append("lon", item.lon);
    body.append("seen_at", item.seenAt);
    body.append("text", item.text);
    body.append("photo", dataUrlToBlob(item.photo), "sighting.jpg");
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Idempotency-Key": item.key, "X-CSRFToken": csrf() },
      body: body,
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        return "sent";
      }
      if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
        return r.json().then(function (e) {
          say(T.refused.replace("%(message)s", e.message || r.status));
          return "refused";
        });
      }
      return "later";
    });
  }

  function flush() {
    var list = pending();
    return list.reduce(function (chain, item) {
      return chain.then(function () {
        return sendOne(item)
          .then(function (outcome) {
            if (outcome !== "later") {
              keep(pending().filter(function (p) { return p.key !== item.key; }));
              if (outcome === "sent") {
                say(T.sent);
              }
            } else {
              say(T.queued);
            }
          })
          .catch(function () {
            say(T.queued);
          });
      });
    }, Promise.resolve());
  }

  if (form) {
    fetch(cfg.receiptUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ kind: "seen" }),
    }).catch(function () {});
    if (navigator.geolocation) {
      locEl.textContent = T.locating;
      navigator.geolocation.getCurrentPosition(
        function (p) {
          position = { lat: p.coords.latitude, lon: p.coords.longitude };
          locEl.textContent = T.located;
        },
        function () {
          locEl.textContent = T.noLocation;
        },
        { enableHighAccuracy: true, timeout: 20000 }
      );
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = document.getElementById("sighting-photo").files[0];
      if (!file) {
        say(T.needPhoto);
        return;
      }
      if (!position) {
        say(T.noLocation);
        return;
      }
      say(T.sending);
      shrink(file).then(function (photo) {
        var list = pending();
        list.push({
          key: key(),
          url: cfg.sightingsUrl,
          lat: position.lat,
          lon: position.lon,
          seenAt: new Date().toISOString(),
          text: document.getElementById("sighting-text").value,
          photo: photo,
        });
        keep(list);
        form.reset();
        return flush();
      });
    });
  }
  window.addEventListener("online", flush);
  flush();
})();
