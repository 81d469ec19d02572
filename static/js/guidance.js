// The questionnaire's small enhancements; every page works without them.
// After htmx swaps in the next step, move the focus to its heading (or to the error summary),
// so that keyboard and screen-reader users start reading the new question, as on a new page.
(function () {
  "use strict";

  function focusStep(root) {
    var target = root.querySelector(".error-summary") || root.querySelector(".question-heading");
    if (!target) return;
    target.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id === "step") focusStep(event.target);
  });

  // htmx leaves the page as it is when the answer fails (an expired form, the network): send
  // the form the plain way instead, so that the browser shows what the server has to say.
  function sendWithoutHtmx(event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches(".question-form")) {
      HTMLFormElement.prototype.submit.call(form);
    }
  }
  document.addEventListener("htmx:responseError", sendWithoutHtmx);
  document.addEventListener("htmx:sendError", sendWithoutHtmx);

  document.addEventListener("DOMContentLoaded", function () {
    // A page served with an error (no JavaScript needed for it): start at the summary.
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    // Printing needs JavaScript; the browser's own Print menu works anyway.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
