/* The check-in page: the phone's position (with its accuracy) goes with the scanned code; the
   server decides whether it is inside the activity's radius. */
(function () {
  "use strict";
  var form = document.getElementById("check-form");
  if (!form) {
    return;
  }
  var statusEl = document.getElementById("check-status");
  var button = document.getElementById("check-button");
  if (!navigator.geolocation) {
    statusEl.textContent = "—";
    return;
  }
  navigator.geolocation.getCurrentPosition(
    function (pos) {
      document.getElementById("check-lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("check-lon").value = pos.coords.longitude.toFixed(6);
      document.getElementById("check-accuracy").value = Math.round(pos.coords.accuracy || 0);
      statusEl.textContent = "±" + Math.round(pos.coords.accuracy || 0) + " m";
      button.disabled = false;
    },
    function (err) {
      statusEl.textContent = err.message || "—";
    },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 }
  );
})();
