// The emulator's dashboard: progressive enhancement only; every page works without it.
// - while <main data-live="true">, the parts marked data-refresh are fetched again every second
//   and replaced in place (no reload); otherwise every five seconds, so new work shows up;
// - selects marked data-autosubmit submit their form on change;
// - the map names the footprint under the pointer or the keyboard focus.
(function () {
  "use strict";
  var FAST = 1000, SLOW = 5000;
  var main = document.getElementById("content");
  var status = document.getElementById("live-status");

  function live() { return main && main.getAttribute("data-live") === "true"; }

  function refresh() {
    if (document.hidden) { schedule(); return; }
    fetch(window.location.href, {headers: {"Accept": "text/html"}, cache: "no-store"})
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var regions = document.querySelectorAll("[data-refresh][id]");
        for (var i = 0; i < regions.length; i++) {
          var next = fresh.getElementById(regions[i].id);
          if (next && next.innerHTML !== regions[i].innerHTML) {
            regions[i].innerHTML = next.innerHTML;
          }
        }
        var freshMain = fresh.getElementById("content");
        var wasLive = live();
        if (freshMain) { main.setAttribute("data-live", freshMain.getAttribute("data-live")); }
        if (status) {
          if (live()) { status.textContent = "Updates itself while work is in progress."; }
          else if (wasLive) { status.textContent = "Nothing in progress any more."; }
        }
        bindMap();
      })
      .catch(function () { /* the emulator may be stopping: try again later */ })
      .then(schedule);
  }

  function schedule() { window.setTimeout(refresh, live() ? FAST : SLOW); }

  function bindAutosubmit() {
    var selects = document.querySelectorAll("select[data-autosubmit]");
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener("change", function (event) {
        if (event.target.form) { event.target.form.submit(); }
      });
    }
  }

  function describe(link) {
    var text = link.getAttribute("data-path") + " (" + link.getAttribute("data-status");
    var cause = link.getAttribute("data-cause");
    return text + (cause ? ": " + cause : "") + ")";
  }

  function bindMap() {
    var hover = document.getElementById("map-hover");
    var links = document.querySelectorAll("a.footprint");
    if (!hover) { return; }
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("data-bound")) { continue; }
      links[i].setAttribute("data-bound", "1");
      ["mouseenter", "focus"].forEach(function (kind) {
        links[i].addEventListener(kind, function (event) {
          event.currentTarget.classList.add("hovered");
          hover.textContent = describe(event.currentTarget);
        });
      });
      ["mouseleave", "blur"].forEach(function (kind) {
        links[i].addEventListener(kind, function (event) {
          event.currentTarget.classList.remove("hovered");
        });
      });
    }
  }

  bindAutosubmit();
  bindMap();
  if (main && document.querySelector("[data-refresh][id]")) { schedule(); }
})();
