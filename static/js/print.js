// A print button, where a page has one: printing needs JavaScript, so the button shows only
// with it; the browser's own Print menu works anyway.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
