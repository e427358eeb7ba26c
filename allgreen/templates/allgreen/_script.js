(function () {
  "use strict";
  var root = document.documentElement;
  var THEME = "allgreen-theme", REFRESH = "allgreen-auto-refresh";
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) {} }
  function read(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }

  // Theme: follow the system until the toggle is used, then remember the choice.
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function effective() { return root.dataset.theme || (dark && dark.matches ? "dark" : "light"); }
  var toggle = document.getElementById("theme-toggle");
  function label() {
    if (toggle) toggle.setAttribute("aria-label", effective() === "dark" ? "Switch to light theme" : "Switch to dark theme");
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = effective() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      store(THEME, next);
      label();
    });
    label();
  }

  // Times: show them in the reader's zone, with how long ago (or until).
  function ago(date) {
    var s = Math.round((Date.now() - date.getTime()) / 1000), future = s < 0;
    s = Math.abs(s);
    var text = s < 5 ? "just now" : s < 60 ? s + " s" : s < 3600 ? Math.round(s / 60) + " min" :
      s < 86400 ? Math.round(s / 3600) + " h" : Math.round(s / 86400) + " d";
    if (text === "just now") return text;
    return future ? "in " + text : text + " ago";
  }
  var times = document.querySelectorAll("time[data-relative]");
  function paint() {
    for (var i = 0; i < times.length; i++) {
      var date = new Date(times[i].getAttribute("datetime"));
      if (isNaN(date)) continue;
      times[i].title = date.toLocaleString();
      times[i].textContent = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) + " (" + ago(date) + ")";
    }
  }
  paint();
  setInterval(paint, 5000);

  // Auto-refresh: off by default, remembered, with a countdown.
  var box = document.getElementById("auto-refresh"), countdown = document.getElementById("countdown");
  var period = parseInt(document.body.getAttribute("data-refresh"), 10) || 0, timer = null;
  function stop() { if (timer) clearInterval(timer); timer = null; if (countdown) countdown.textContent = ""; }
  function start() {
    var left = period;
    stop();
    if (countdown) countdown.textContent = " " + left + " s";
    timer = setInterval(function () {
      left -= 1;
      if (countdown) countdown.textContent = " " + left + " s";
      if (left <= 0) { stop(); window.location.reload(); }
    }, 1000);
  }
  if (box && period > 0) {
    box.checked = read(REFRESH) === "on";
    if (box.checked) start();
    box.addEventListener("change", function () {
      store(REFRESH, box.checked ? "on" : "off");
      if (box.checked) start(); else stop();
    });
  }
})();
