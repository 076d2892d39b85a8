/* The crowd check page (众包核查): the phone's location fills each form's lat/lon/accuracy (the
   server decides whether the photo counts) and tells the partner how far the place is. */
(function () {
  "use strict";

  var forms = document.querySelectorAll("[data-crowd-form]");
  var statusEl = document.querySelector("[data-crowd-location]");
  var textEl = document.getElementById("crowd-text");
  var T = textEl ? JSON.parse(textEl.textContent) || {} : {};

  function fmt(template, params) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
    });
  }

  function metres(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dp = (lat2 - lat1) * rad;
    var dl = (lon2 - lon1) * rad;
    var a = Math.pow(Math.sin(dp / 2), 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
  }

  function setStatus(text, state) {
    if (statusEl) {
      statusEl.textContent = text;
      statusEl.setAttribute("data-state", state);
    }
  }

  function place(pos) {
    var lat = pos.coords.latitude;
    var lon = pos.coords.longitude;
    var accuracy = pos.coords.accuracy;
    setStatus(fmt(T.located, { metres: Math.round(accuracy || 0) }), "located");
    forms.forEach(function (form) {
      form.elements.lat.value = lat.toFixed(7);
      form.elements.lon.value = lon.toFixed(7);
      form.elements.accuracy.value = accuracy ? accuracy.toFixed(1) : "";
      var distance = Math.round(metres(lat, lon, Number(form.dataset.lat), Number(form.dataset.lon)));
      var radius = Number(form.dataset.radius);
      var line = form.querySelector("[data-distance]");
      line.textContent = fmt(distance <= radius ? T.near : T.far, { distance: distance, radius: radius });
      line.setAttribute("data-near", distance <= radius ? "true" : "false");
      line.hidden = false;
    });
  }

  if (!forms.length) {
    setStatus("", "idle");
    return;
  }
  if (!("geolocation" in navigator)) {
    setStatus(T.noLocation || "", "error");
    return;
  }
  navigator.geolocation.watchPosition(
    place,
    function () {
      setStatus(T.noLocation || "", "error");
    },
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 }
  );
})();
