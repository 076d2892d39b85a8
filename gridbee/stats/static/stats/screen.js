/* The large screen (大屏): figures fetched as JSON, and fetched again whenever the county's
   figures stream says they changed (a short pause gathers a burst of steps into one fetch). */
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) return;
  var trend = null, league = null, timer = null;

  function fmt(f) {
    if (f.value === null || f.value === undefined) return "–";
    if (f.unit === "percent") return f.value.toFixed(2) + "%";
    if (f.unit === "hours") return f.value.toFixed(1) + " h";
    return String(f.value);
  }

  function figures(id, list) {
    var box = document.getElementById(id);
    box.textContent = "";
    list.forEach(function (f) {
      var div = document.createElement("div");
      div.className = "screen-figure";
      div.setAttribute("data-code", f.code);
      var v = document.createElement("strong");
      v.textContent = fmt(f);
      var n = document.createElement("span");
      n.textContent = f.name;
      div.appendChild(v);
      div.appendChild(n);
      box.appendChild(div);
    });
  }

  function draw(data) {
    document.getElementById("screen-at").textContent = data.at;
    figures("screen-today", data.today);
    figures("screen-month", data.month);
    if (window.echarts) {
      trend = trend || window.echarts.init(document.getElementById("screen-trend"));
      trend.setOption({
        title: { text: "本月每日上报", textStyle: { color: "#fff" } },
        xAxis: { type: "category", data: data.trend.map(function (p) { return p[0]; }) },
        yAxis: { type: "value" },
        series: [{ type: "bar", data: data.trend.map(function (p) { return p[1]; }) }]
      });
      league = league || window.echarts.init(document.getElementById("screen-league"));
      league.setOption({
        title: { text: "部门按期结案率", textStyle: { color: "#fff" } },
        xAxis: { type: "value", max: 100 },
        yAxis: { type: "category", inverse: true, data: data.league.map(function (r) { return r.name; }) },
        series: [{ type: "bar", data: data.league.map(function (r) { return r.value; }) }]
      });
    }
    root.setAttribute("data-loaded", String((Number(root.getAttribute("data-loaded")) || 0) + 1));
  }

  function load() {
    // A wall screen must recover by itself: a request that fails or hangs is tried again.
    var control = new AbortController();
    var limit = setTimeout(function () { control.abort(); }, 30000);
    fetch(root.getAttribute("data-src"), { credentials: "same-origin", signal: control.signal })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(draw)
      .catch(function () { setTimeout(load, 3000); })
      .finally(function () { clearTimeout(limit); });
  }

  load();
  if (window.EventSource) {
    var source = new EventSource(root.getAttribute("data-live"));
    source.onopen = function () { document.getElementById("screen-live").className = "live-dot on"; };
    source.onmessage = function () {
      clearTimeout(timer);
      timer = setTimeout(load, 300);
    };
  }
  setInterval(load, 60000);  // and once a minute, whatever the stream says
})();
