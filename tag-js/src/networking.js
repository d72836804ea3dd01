import { config } from './config.js'

function noop() {}

/*
 * POSTs one-letter-key JSON as a text/plain string (CORS-safelisted: no preflight), with cookies.
 * With a callback: fetch, and the callback gets the answer's JSON, or a falsy value / an Error when the
 * edge failed or is unreachable (never a rejected promise: nothing is thrown into the page).
 * Without one (pageviews): sendBeacon, which survives the page unloading; fetch with keepalive where it
 * is missing or refuses. The number request needs no keepalive: its answer matters only to a live page.
 */
export function sendRequest(path, body, cb) {
  var url = config.api + path, data = JSON.stringify(body)
  if (!cb && navigator.sendBeacon && navigator.sendBeacon(url, data)) return
  fetch(url, { method: 'POST', body: data, credentials: 'include', keepalive: !cb })
    .then(function (r) { return r.ok && r.json() })
    .then(cb || noop, cb || noop)
}
