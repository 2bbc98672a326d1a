/* Police desk (/cameras): a sound when a new camera alarm appears, with a mute button kept in localStorage; a click
   on an event's snapshot or clip shows it full screen (Escape or a second click closes it). */
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
    var media = event.target && event.target.closest && event.target.closest(".ev-snapshot, .ev-zoom-clip");
    if (media) { zoom(media); event.preventDefault(); return; }
    var open = document.querySelector(".ev-zoomed");
    if (open && event.target === open) { unzoom(); return; }
    if (event.target && event.target.id === "cam-mute") {
      window.localStorage.setItem("coc-cam-muted", muted() ? "0" : "1");
      label();
    }
  });
  function zoom(media) {
    var src = media.getAttribute("data-src") || media.getAttribute("src");
    if (!src || document.querySelector(".ev-zoomed")) { unzoom(); return; }
    var clip = media.classList.contains("ev-zoom-clip");
    var box = document.createElement("div");
    box.className = "ev-zoomed"; box.id = "ev-zoomed"; box.setAttribute("role", "dialog");
    var big = document.createElement(clip ? "video" : "img");
    big.src = src; big.className = "ev-zoomed-media";
    if (clip) { big.controls = true; big.autoplay = true; }
    var close = document.createElement("button");
    close.className = "btn ev-zoomed-close"; close.id = "ev-zoomed-close"; close.textContent = "✕";
    close.addEventListener("click", unzoom);
    box.appendChild(big); box.appendChild(close); document.body.appendChild(box);
  }
  function unzoom() { var box = document.querySelector(".ev-zoomed"); if (box) { box.remove(); } }
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { unzoom(); } });
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
