/* Police desk (/cameras): a sound when a new camera alarm appears, with a mute button kept in localStorage. */
(function () {
  var heard = null, audio = null;
  function muted() { return window.localStorage.getItem("coc-cam-muted") === "1"; }
  function label() {
    var button = document.getElementById("cam-mute");
    if (button) { button.textContent = button.getAttribute(muted() ? "data-off" : "data-on"); }
  }
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [988, 740, 988].forEach(function (freq, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = freq; osc.type = "square"; gain.gain.value = 0.15;
        osc.connect(gain); gain.connect(audio.destination);
        var start = audio.currentTime + i * 0.25;
        osc.start(start); osc.stop(start + 0.2);
      });
      window.cocCameraBeeps = (window.cocCameraBeeps || 0) + 1;
    } catch (e) { /* no audio device: the alert row still shows */ }
  }
  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "cam-mute") {
      window.localStorage.setItem("coc-cam-muted", muted() ? "0" : "1");
      label();
    }
  });
  setInterval(function () {
    var marker = document.getElementById("cam-alarm-marker");
    if (!marker) { heard = null; return; }
    label();
    var id = marker.getAttribute("data-alarm") || "";
    if (heard === null) { heard = ""; }
    if (id && id !== heard && !muted()) { beep(); }
    if (id) { heard = id; window.cocCameraHeard = id; }
  }, 500);
})();
