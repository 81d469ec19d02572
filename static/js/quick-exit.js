/* Quick exit (after GOV.UK's "Exit this page").
 * The red button and the first skip link cover the page at once, then replace it with our
 * exit URL, which ends the session server-side and redirects to a neutral page.
 * location.replace() removes the current page from the Back stack.
 * Shift pressed three times within 5 seconds does the same; Shift inside a key combination
 * does not count, and any other key starts the count again.
 * Without JavaScript the button is a plain link to the same exit URL.
 */
(function () {
  "use strict";

  var WINDOW_MS = 5000;
  var PRESSES = 3;
  var presses = 0;
  var timer = null;

  function exitUrl() {
    var link = document.querySelector("a[data-quick-exit]");
    return link ? link.href : "/sortie/";
  }

  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    var overlay = document.querySelector(".quick-exit-overlay");
    if (overlay) {
      overlay.hidden = false;
    }
    document.documentElement.classList.add("quick-exit-active");
    document.title = "";
    window.location.replace(exitUrl());
  }

  function status(text) {
    var live = document.getElementById("quick-exit-status");
    if (live) {
      live.textContent = text || "";
    }
  }

  function reset() {
    presses = 0;
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
    status("");
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-quick-exit]");
    if (target) {
      leave(event);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.ctrlKey || event.altKey || event.metaKey) {
      reset();
      return;
    }
    if (event.repeat) {
      return; // a held key is one press
    }
    presses += 1;
    if (presses === 1) {
      timer = window.setTimeout(reset, WINDOW_MS);
    }
    if (presses >= PRESSES) {
      reset();
      leave();
      return;
    }
    var live = document.getElementById("quick-exit-status");
    if (live) {
      status(live.getAttribute("data-remaining-" + (PRESSES - presses)));
    }
  });

  // A page restored from the back-forward cache must not stay covered or show old content.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("quick-exit-active")) {
      window.location.replace(exitUrl());
    }
  });
})();
