// Draws the reports page's charts from the figures the page carries in #report-data
// (a json_script element). The tables beside the charts show the same figures.
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var teal = "#12545c";
  var sand = "#d9a441";
  var red = "#b02a37";
  var grey = "#adb5bd";
  var light = "#6fb3b8";

  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.maintainAspectRatio = false;
  window.Chart.defaults.animation = false;

  function bar(id, labels, datasets, options) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    options = options || {};
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: options.horizontal ? "y" : "x",
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: {
          x: { stacked: !!options.stacked, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: !!options.stacked, beginAtZero: true, ticks: { precision: options.decimals ? undefined : 0 } }
        }
      }
    });
  }

  bar("chart-months", data.months.labels, [
    { label: "Opened", data: data.months.opened, backgroundColor: teal },
    { label: "Completed", data: data.months.completed, backgroundColor: sand }
  ]);
  bar("chart-steps", data.steps.labels, [
    { label: "Median days", data: data.steps.median_days, backgroundColor: teal }
  ], { horizontal: true, decimals: true });
  bar("chart-withdrawals", data.withdrawals.labels, [
    { label: "Withdrawals", data: data.withdrawals.counts, backgroundColor: red }
  ], { horizontal: true });
  bar("chart-hours", data.hours.labels, [
    { label: "Hours worked", data: data.hours.hours, backgroundColor: teal }
  ], { decimals: true });
  bar("chart-meetings", data.meetings.labels, [
    { label: "Meetings where it was expressed (of " + data.meetings.held + " held)", data: data.meetings.counts, backgroundColor: light }
  ], { horizontal: true });
  bar("chart-checkins", data.checkins.labels, [
    { label: "Done", data: data.checkins.done, backgroundColor: teal },
    { label: "Missed", data: data.checkins.missed, backgroundColor: red },
    { label: "Overdue", data: data.checkins.overdue, backgroundColor: sand },
    { label: "To come", data: data.checkins.upcoming, backgroundColor: grey }
  ], { stacked: true });
})();
