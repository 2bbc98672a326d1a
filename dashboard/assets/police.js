/* Police desk (/cameras): a sound when a new camera alarm appears, with a mute button kept in localStorage. */
(function () {
  var heard = null;
  function muted() { return window.localStorage.getItem("coc-cam-muted") === "1"; }
  function label() {
    var button = document.getElementById("cam-mute");
    if (button) { button.textContent = button.getAttribute(muted() ? "data-off" : "data-on"); }
  }
  document.addEventListener("click", function (event) {
    var row = event.target && event.target.closest && event.target.closest(".event-row");
    if (row) {
      document.querySelectorAll(".event-row.selected").forEach(function (r) { r.classList.remove("selected"); });
      row.classList.add("selected");
    }
    if (event.target && event.target.id === "cam-mute") {
      window.localStorage.setItem("coc-cam-muted", muted() ? "0" : "1");
      label();
    }
  });
  // Keyboard review: ↑/↓ or k/j move to the previous / next event row and open it; Enter opens the focused one.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA") { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll(".event-row"));
    if (!rows.length) { return; }
    var current = rows.indexOf(document.activeElement);
    if (current < 0) { current = rows.indexOf(document.querySelector(".event-row.selected")); }
    var step = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 }[event.key];
    if (step) {
      var next = rows[Math.max(0, Math.min(rows.length - 1, current + step))];
      next.focus(); next.click(); event.preventDefault();
    } else if (event.key === "Enter" && current >= 0) {
      rows[current].click();
    }
  });
  setInterval(function () {
    var marker = document.getElementById("cam-alarm-marker");
    if (!marker) { heard = null; return; }
    label();
    var id = marker.getAttribute("data-alarm") || "";
    if (heard === null) { heard = ""; }
    if (id && id !== heard && !muted()) { window.cocBeep([988, 740, 988], 0.25, 0.2, "cocCameraBeeps"); }
    if (id) { heard = id; window.cocCameraHeard = id; }
  }, 500);
})();
