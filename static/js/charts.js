/* Charts of the dashboard, drawn with the vendored ECharts as SVG (printable), with decal patterns so
   that no series is told apart by colour alone. Each chart reads its data from a json_script element. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var locale = document.documentElement.lang === "ja" ? "JA" : "EN";
  var common = {
    aria: { enabled: true, decal: { show: true } },
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 16, top: 40, bottom: 32 }
  };

  function lines(data) {
    return Object.assign({}, common, {
      legend: { top: 0 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.values, symbol: ["circle", "rect", "triangle", "diamond", "pin"][i % 5], symbolSize: 8 };
      })
    });
  }

  function bars(data) {
    return Object.assign({}, common, {
      xAxis: { type: "category", data: data.map(function (b) { return b.to ? b.from + "–" + b.to : b.from + "+"; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.map(function (b) { return b.count; }), label: { show: true, position: "top" } }]
    });
  }

  var builders = { lines: lines, bars: bars };
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.dataset.source);
    var build = builders[element.dataset.chart];
    if (!source || !build) { return; }
    var chart = echarts.init(element, null, { renderer: "svg", locale: locale });
    chart.setOption(build(JSON.parse(source.textContent)));
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
