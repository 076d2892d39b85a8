/* 到场: a form marked data-location sends where the responder stands. On submit the browser's
   location fills its lat/lon/accuracy, then the form goes; without a location it stays and
   says why (the server refuses an arrival without one anyway). Delegated from the document:
   the department's list is re-rendered by live updates. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-location]") || form.dataset.located === "true") {
      return;
    }
    event.preventDefault();
    var status = form.querySelector("[data-location-status]");
    function say(key) {
      if (status) {
        status.textContent = status.dataset[key] || "";
      }
    }
    if (!("geolocation" in navigator)) {
      say("noLocation");
      return;
    }
    say("locating");
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        form.elements.lat.value = pos.coords.latitude.toFixed(7);
        form.elements.lon.value = pos.coords.longitude.toFixed(7);
        form.elements.accuracy.value = Math.max(0, pos.coords.accuracy || 0).toFixed(1);
        form.dataset.located = "true";
        form.submit();
      },
      function () {
        say("noLocation");
      },
      { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 }
    );
  });
})();
