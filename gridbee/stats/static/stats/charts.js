/* The overview's trend chart: an ECharts line of one indicator, fetched as JSON. */
(function () {
  "use strict";
  var el = document.getElementById("trend-chart");
  if (!el || !window.echarts) return;
  fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (points) {
      var chart = window.echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: points.map(function (p) { return p.label; }) },
        yAxis: { type: "value" },
        series: [{ type: "line", smooth: true, data: points.map(function (p) { return p.value; }) }]
      });
      el.setAttribute("data-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
})();
