/* Draws every dashboard chart from the JSON beside it (the same rows as its table). ECharts is served from
   /static/vendor/echarts/ (fetched from the npm registry at install time); nothing loads from the internet. */
(function () {
  "use strict";
  function draw(box) {
    var source = document.getElementById("chart-data-" + box.id.replace(/^chart-/, ""));
    if (!source || !window.echarts) return;
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    var horizontal = spec.kind === "hbar";
    var option = {
      animation: false,
      color: spec.colors && spec.colors.length ? spec.colors : undefined,
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      textStyle: { fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" }
    };
    if (spec.kind === "pie") {
      option.series = [{ type: "pie", radius: ["35%", "65%"], data: spec.labels.map(function (label, i) {
        return { name: label, value: spec.series[0].data[i] };
      }) }];
    } else {
      var rotated = !horizontal && spec.labels.length > 8;
      if (rotated) { option.grid.left = 48; option.grid.bottom = 16; }
      var category = { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: rotated ? 40 : 0, width: 120, overflow: "truncate" } };
      var value = { type: "value", minInterval: 1 };
      if (horizontal) { category.inverse = true; }
      option.xAxis = horizontal ? value : category;
      option.yAxis = horizontal ? category : value;
      option.series = spec.series.map(function (s) {
        return { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.data,
                 stack: spec.kind === "stacked" ? "total" : undefined, showSymbol: spec.labels.length < 40,
                 barMaxWidth: 28 };
      });
      if (horizontal) { box.style.height = Math.max(240, 28 * spec.labels.length + 60) + "px"; chart.resize(); }
    }
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function init() { Array.prototype.forEach.call(document.querySelectorAll(".chart[id^='chart-']"), draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
