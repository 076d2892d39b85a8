/* The venue's check-in code: fetched again every 5 seconds (the code changes every 30), so
   the screen always shows the code of now. The fragment is the server's own markup. */
(function () {
  "use strict";
  var box = document.getElementById("venue-code-box");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-refresh-url");
  function refresh() {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html) {
          box.innerHTML = html;
        }
      })
      .catch(function () {});
  }
  setInterval(refresh, 5000);
})();
