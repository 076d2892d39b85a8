/* A [data-print] button prints the page. A file of its own, not an onclick attribute: the
   Content-Security-Policy runs no inline script. */
"use strict";

document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
