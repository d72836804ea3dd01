// The console's setup pages' script (served at /console/setup.js; the pages work without it):
// - each <canvas class="peak-chart" data-peaks data-hours data-size> draws its pool's peak demand per hour, with the
//   pool's size as a line (Chart.js, bundled: no CDN);
// - each <button data-copy="ID"> copies the text of the element ID (a site's script tag) to the clipboard.
import { Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend } from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const charts = [];

for (const canvas of document.querySelectorAll('canvas.peak-chart')) {
  const peaks = (canvas.dataset.peaks || '').split(',').filter((v) => v !== '').map(Number);
  const hours = (canvas.dataset.hours || '').split(',').filter((v) => v !== '').map((h) => hourFormat.format(new Date(h)));
  const size = Number(canvas.dataset.size || 0);
  charts.push(new Chart(canvas, {
    data: {
      labels: hours,
      datasets: [
        { type: 'bar', label: 'Peak demand', data: peaks, backgroundColor: 'rgb(37, 99, 235)' },
        { type: 'line', label: 'Pool size', data: hours.map(() => size), borderColor: 'rgb(220, 38, 38)', pointRadius: 0, borderWidth: 2 },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  }));
}

for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const text = document.getElementById(button.dataset.copy)?.textContent ?? '';
    const status = document.getElementById(button.dataset.copy + '-status');
    try {
      await navigator.clipboard.writeText(text);
      if (status) status.textContent = 'Copied.';
    } catch {
      // No clipboard permission (an insecure origin): select the text so Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(document.getElementById(button.dataset.copy));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      if (status) status.textContent = 'Selected: press Ctrl+C to copy.';
    }
  });
}

window.customerlabSetup = { charts: charts.length, drawn: charts.filter((c) => c.data.datasets[0].data.length > 0).length };
document.documentElement.dataset.setup = 'ready';
