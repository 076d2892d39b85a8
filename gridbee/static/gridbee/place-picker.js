/* GridBee place picker, shared by the forms that take a place from a map (the hotline, the
   alert console's publish form): a click on the Leaflet map puts the point into #lat/#lon
   (WGS-84: the form's #crs is reset to WGS-84 when the map sets it) and moves one marker
   there. Plain JS; needs Leaflet loaded first. */
(function () {
  "use strict";
  window.GridBeePlacePicker = function (map) {
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
  };
})();
