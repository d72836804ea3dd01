// The report page (signed in): loads the site's report from /report/data/{site} with the login cookie and draws
// four charts and the table of conversions by channel and type. window.__report tells tests when drawing is done.
import {
  Chart, BarController, BarElement, LineController, LineElement, PointElement,
  CategoryScale, LinearScale, Legend, Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

var palette = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
var charts = [];
window.__report = { state: 'idle' };

function $(id) { return document.getElementById(id); }

function status(text) { $('status').textContent = text; }

function pivot(rows, xKey, seriesKey, valueKey) {
  var xs = [], series = {};
  rows.forEach(function (r) {
    if (xs.indexOf(r[xKey]) < 0) xs.push(r[xKey]);
    (series[r[seriesKey]] = series[r[seriesKey]] || {})[r[xKey]] = r[valueKey];
  });
  xs.sort();
  return {
    labels: xs,
    datasets: Object.keys(series).map(function (name, i) {
      return { label: name || '(none)', data: xs.map(function (x) { return series[name][x] || 0; }), backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length] };
    }),
  };
}

function draw(id, config) {
  charts.push(new Chart($(id), Object.assign({ options: { responsive: true, animation: false, maintainAspectRatio: false } }, config)));
}

var TYPES = ['call', 'text', 'lead', 'purchase'];

// One row per channel, one column per conversion type (the table's header): each cell the count, and how many of them
// are unverified (reported by the page, not the client's server or the phone provider) when any are.
function table(rows) {
  var body = $('conversions').tBodies[0], channels = {};
  body.textContent = '';
  rows.forEach(function (r) {
    var cell = (channels[r.channel] = channels[r.channel] || {})[r.type] = channels[r.channel][r.type] || { all: 0, unverified: 0 };
    cell.all += r.conversions;
    if (!r.verified) cell.unverified += r.conversions;
  });
  Object.keys(channels).sort().forEach(function (channel) {
    var tr = body.insertRow();
    tr.insertCell().textContent = channel;
    TYPES.forEach(function (type) {
      var cell = channels[channel][type] || { all: 0, unverified: 0 }, td = tr.insertCell();
      td.textContent = cell.all;
      if (cell.unverified) {
        var note = td.appendChild(document.createElement('span'));
        note.className = 'unverified';
        note.textContent = ' (' + cell.unverified + ' unverified)';
      }
    });
  });
  if (!rows.length) {
    var td = body.insertRow().insertCell();
    td.colSpan = TYPES.length + 1;
    td.textContent = 'No conversions in this period.';
  }
}

function render(report) {
  charts.forEach(function (c) { c.destroy(); });
  charts = [];
  draw('calls', { type: 'bar', data: pivot(report.callsByChannel, 'day', 'channel', 'calls'),
    options: { animation: false, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
  draw('conversion', { type: 'bar', data: {
    labels: report.conversionBySource.map(function (r) { return r.source || '(direct)'; }),
    datasets: [{ label: 'conversion rate', data: report.conversionBySource.map(function (r) { return r.conversionRate; }), backgroundColor: palette[1] }] } });
  draw('pools', { type: 'line', data: pivot(report.poolUsage, 'hour', 'pool', 'numbersUsed') });
  draw('attribution', { type: 'line', data: {
    labels: report.attributionRate.map(function (r) { return r.day; }),
    datasets: [{ label: 'attribution rate', data: report.attributionRate.map(function (r) { return r.attributionRate; }), borderColor: palette[0] }] } });
  table(report.conversionsByChannel);
  window.__report = { state: 'drawn', charts: charts.length, calls: report.callsByChannel.length };
  status('Site ' + report.site + ', last ' + report.days + ' days.');
}

function load() {
  var site = $('site').value.trim();
  if (!site) { status('Enter a site key.'); return; }
  window.__report = { state: 'loading' };
  fetch('/report/data/' + encodeURIComponent(site) + '?days=' + encodeURIComponent($('days').value), { credentials: 'same-origin' })
    .then(function (r) {
      if (r.status === 401) { location.href = '/login?returnUrl=' + encodeURIComponent(location.pathname + location.search); throw new Error('Signed out.'); }
      // A problem document's detail says why (a site the user may not read, the store unavailable).
      if (!r.ok) return r.json().catch(function () { return {}; }).then(function (p) { throw new Error(p.detail || 'The report failed (' + r.status + ').'); });
      return r.json();
    })
    .then(render)
    .catch(function (e) { window.__report = { state: 'error', error: e.message }; status(e.message); });
}

$('form').addEventListener('submit', function (e) {
  e.preventDefault();
  load();
});
var params = new URLSearchParams(location.search);
if (params.get('site')) $('site').value = params.get('site');
load();
