/* Upward: draw every chart of the page from the JSON the server embedded (#page-data).
   Palette: Okabe & Ito (colour-blind safe). No request leaves the page. */
(function () {
  "use strict";
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"];
  var node = document.getElementById("page-data");
  if (!node || typeof echarts === "undefined") { return; }
  var page = JSON.parse(node.textContent);
  var charts = page.charts || {};

  function formatter(kind) {
    return function (v) {
      if (v === null || v === undefined || v === "-" || isNaN(v)) { return "—"; }
      if (kind === "pct") { return Math.round(v * 100) + "%"; }
      if (kind === "money") { return "$" + Math.round(v).toLocaleString("en-US"); }
      if (kind === "int") { return Math.round(v).toLocaleString("en-US"); }
      if (kind === "num2") { return Number(v).toFixed(2); }
      return String(v);
    };
  }

  function option(spec, el) {
    var f = formatter(spec.format);
    var cats = spec.categories.map(function (c, i) {
      return spec.suppressed && spec.suppressed[i] ? c + " — suppressed" : c;
    });
    var valueAxis = { type: "value", axisLabel: { formatter: f }, max: spec.max || null };
    if (spec.format === "pct") { valueAxis.max = spec.max || function (v) { return Math.min(1, Math.ceil(v.max * 10 + 0.5) / 10); }; }
    var room = spec.horizontal ? Math.min(220, el.clientWidth * 0.4) : Math.max(60, el.clientWidth / Math.max(1, cats.length) - 16);
    var catAxis = { type: "category", data: cats, axisLabel: { interval: 0, width: room, overflow: spec.horizontal ? "truncate" : "break" } };
    if (spec.horizontal) { catAxis.inverse = true; }
    var series = spec.series.map(function (s, k) {
      var out = { name: s.name, type: "bar", data: s.data, stack: spec.stack ? "all" : null, barMaxWidth: 38 };
      if (spec.colors) {
        out.itemStyle = { color: function (p) { return spec.colors[p.dataIndex] || PALETTE[k % PALETTE.length]; } };
      }
      return out;
    });
    return {
      animation: false,
      color: PALETTE,
      aria: { enabled: true, label: { description: spec.label } },
      textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: f, confine: true },
      legend: spec.series.length > 1 ? { top: 0, type: "scroll" } : { show: false },
      grid: { left: 8, right: 24, top: spec.series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? valueAxis : catAxis,
      yAxis: spec.horizontal ? catAxis : valueAxis,
      series: series
    };
  }

  var drawn = [];
  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
    var spec = charts[el.getAttribute("data-chart")];
    if (!spec) { return; }
    if (spec.horizontal) {  /* a bar's room whatever the number of bars */
      el.style.height = Math.max(150, Math.min(900, 26 * spec.categories.length * Math.max(1, spec.series.length * 0.8) + 80)) + "px";
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, el));
    el.setAttribute("aria-label", spec.label);  /* our description, not the generated one */
    drawn.push(chart);
  });
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(function () { drawn.forEach(function (c) { c.resize(); }); }, 100);
  });
})();
