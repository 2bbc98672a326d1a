/* COC wall helpers: the "mất kết nối" banner when refreshes fail, and the alarm sound during a takeover. */
(function () {
  var lastOk = Date.now();
  var realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    var watched = url.indexOf("_dash-update-component") !== -1;
    return realFetch(input, init).then(function (response) {
      if (watched) {
        if (response.status < 500) { lastOk = Date.now(); document.body.classList.remove("coc-disconnected"); }
      }
      return response;
    }, function (error) { throw error; });
  };

  function refreshMs() {
    var wall = document.querySelector(".wall");
    return wall ? parseInt(wall.getAttribute("data-refresh-ms") || "2000", 10) : 0;
  }

  // Offline when no callback answered for three refresh periods (at least 6 s).
  setInterval(function () {
    var ms = refreshMs();
    if (!ms) { return; }
    if (Date.now() - lastOk > Math.max(6000, 3 * ms)) { document.body.classList.add("coc-disconnected"); }
  }, 1000);

  // Web Audio alarm tones, shared with the police desk (police.js): `freqs` one after another, each `length` s,
  // `gap` s apart; `counter` names the window property that counts the alarms sounded (the tests read it).
  var audio = null;
  window.cocBeep = function (freqs, gap, length, counter) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      freqs.forEach(function (freq, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = freq; osc.type = "square"; gain.gain.value = 0.15;
        osc.connect(gain); gain.connect(audio.destination);
        var start = audio.currentTime + i * gap;
        osc.start(start); osc.stop(start + length);
      });
      window[counter] = (window[counter] || 0) + 1;
    } catch (e) { /* no audio device: what is on screen still shows */ }
  };
  // The wall: two tones every 2 s while a takeover banner is on screen.
  setInterval(function () {
    if (document.querySelector(".takeover.active:not(.muted)")) { window.cocBeep([880, 660], 0.35, 0.3, "cocAlarmBeeps"); }
  }, 2000);
})();
