// The console's one script (served at /console/console.js; the pages work without it, this only improves them):
// - <time datetime="…Z"> shows the time in the viewer's own time zone;
// - filter forms learn the viewer's time zone (hidden field tz), so date ranges mean the viewer's days;
// - window.customerlabConsole.fetch adds the antiforgery token (X-CSRF-Token) to a fetch that changes something;
// - elements with data-confirm ask before their form is sent.
const token = () => document.querySelector('meta[name="csrf-token"]')?.content ?? '';

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const long = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function localTimes(root) {
  for (const el of root.querySelectorAll('time[datetime]')) {
    const at = new Date(el.getAttribute('datetime'));
    if (Number.isNaN(at.getTime())) continue;
    el.textContent = long.format(at);
    el.title = el.getAttribute('datetime');
  }
}

function timeZoneFields(root) {
  for (const input of root.querySelectorAll('input[name="tz"]')) if (!input.value) input.value = zone;
}

function confirmations(root) {
  for (const el of root.querySelectorAll('[data-confirm]')) {
    el.closest('form')?.addEventListener('submit', (event) => {
      if (!window.confirm(el.getAttribute('data-confirm'))) event.preventDefault();
    });
  }
}

window.customerlabConsole = {
  zone,
  token,
  /** fetch with the antiforgery token, for console actions that change something. */
  fetch(url, init = {}) {
    const headers = new Headers(init.headers ?? {});
    headers.set('X-CSRF-Token', token());
    return fetch(url, { credentials: 'same-origin', ...init, headers });
  },
  refresh(root = document) {
    localTimes(root);
    timeZoneFields(root);
  },
};

window.customerlabConsole.refresh();
confirmations(document);
document.documentElement.dataset.console = 'ready';
