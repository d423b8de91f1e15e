// Heute: the line updates itself every few seconds (progressive enhancement: without
// JavaScript the page is the same, only still). A button pauses it; a hidden tab is not
// fetched for; a session that has ended takes the page back to the login.
(function () {
  "use strict";
  var region = document.getElementById("line-content");
  var button = document.getElementById("line-pause");
  if (!region || !button || !window.fetch) {
    return;
  }
  var paused = false;
  var every = parseInt(region.getAttribute("data-every") || "4000", 10);
  button.hidden = false;

  function refresh() {
    if (paused || document.hidden) {
      return;
    }
    fetch(region.getAttribute("data-source"), {
      credentials: "same-origin",
      headers: { "Accept": "text/html", "X-Requested-With": "line" },
      cache: "no-store"
    }).then(function (response) {
      if (response.redirected || response.status === 401) {
        window.location.reload();
        return null;
      }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && html !== undefined && html !== region.innerHTML) {
        region.innerHTML = html; // aria-live="polite": said when something changed
      }
    }).catch(function () { /* the next round tries again */ });
  }

  button.addEventListener("click", function () {
    paused = !paused;
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.textContent = paused ? button.getAttribute("data-resume") : button.getAttribute("data-pause");
    if (!paused) {
      refresh();
    }
  });
  window.setInterval(refresh, every);
})();
