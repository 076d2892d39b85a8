/* The inbox page, live: a new message on the user's topic shows the "new messages" link. */
(function () {
  "use strict";
  var box = document.getElementById("inbox");
  if (!box || !window.EventSource) {
    return;
  }
  var source = new EventSource(box.getAttribute("data-live-url"));
  source.onmessage = function (event) {
    try {
      var data = JSON.parse(event.data);
      if (data.kind === "read") {
        return;
      }
    } catch (e) {
      return;
    }
    document.getElementById("inbox-new").hidden = false;
  };
  // Events were missed while away and cannot be replayed: there may be new messages.
  source.addEventListener("reset", function () {
    document.getElementById("inbox-new").hidden = false;
  });
})();
