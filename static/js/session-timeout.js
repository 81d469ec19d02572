/* The warning before a signed-in session ends (templates/account_layout.html).
 * The server ends a session after SESSION_IDLE_SECONDS without a request. A little before
 * (two minutes, or a quarter of a short session), a banner at the foot of the screen says so,
 * with a "Stay logged in" button that htmx sends without leaving the page (what is typed
 * stays where it is); any answer from the server starts the count again. Once the time is
 * over, the banner says that what was typed is not lost (common/drafts.py keeps it).
 * Never moves the focus, never covers the quick exit, stores nothing in the browser.
 * Without JavaScript the banner stays hidden: a form sent too late is kept all the same.
 */
(function () {
  "use strict";

  var box = document.getElementById("session-warning");
  if (!box) {
    return;
  }
  var idle = Number(box.getAttribute("data-idle-seconds")) * 1000;
  if (!idle) {
    return;
  }
  var lead = Math.min(120000, idle / 4);
  var text = box.querySelector(".session-warning-text");
  var form = box.querySelector("form");
  var deadline = 0;
  var shown = "";

  function show(state) {
    if (shown === state) {
      return;
    }
    shown = state;
    box.hidden = false;
    form.hidden = state === "ended";
    // Written once the banner shows, so that screen readers announce it.
    window.setTimeout(function () {
      text.textContent = box.getAttribute("data-" + state);
    }, 50);
  }

  function restart() {
    deadline = Date.now() + idle;
    shown = "";
    box.hidden = true;
    text.textContent = "";
  }

  function check() {
    var left = deadline - Date.now();
    if (left <= 0) {
      show("ended");
    } else if (left <= lead) {
      show("soon");
    }
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      restart(); // the server just saw a request: the session starts again
    } else if (event.detail.elt === form) {
      deadline = 0; // "Stay logged in" came too late
      check();
    }
  });
  document.addEventListener("visibilitychange", check);
  restart();
  window.setInterval(check, 1000);
})();
