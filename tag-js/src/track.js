import { config } from './config.js'
import { sendRequest } from './networking.js'

/*
 * Pageviews: one on load, one per SPA navigation (pushState, replaceState, popstate). A navigation
 * is counted only when the URL without its #hash changed, so a router's replaceState of the same URL
 * (or a pushState then replaceState pair) is one pageview. The referrer of an SPA pageview is the
 * previous page, as a full load would report it. utm_* and click ids travel inside u; the edge
 * reads them from there, and flags bots itself (the tag never skips automated browsers). The width sent is the
 * screen's: reading innerWidth would force a synchronous layout of the page the tag has just written to.
 */
var last, prev

/** Sends a pageview for `u` (default: the current URL); returns true when one was sent. */
export function track(u) {
  u = u || location.href
  var key = u.split('#')[0]
  if (key == last) return
  sendRequest('/v1/collect', { k: config.k, n: 'pageview', u: u, r: prev || document.referrer, t: document.title, w: screen.width })
  last = key
  prev = u
  return 1
}

/** Calls onNavigate after each history change (pushState, replaceState, back/forward). */
export function init(onNavigate) {
  var h = history
  ;['pushState', 'replaceState'].forEach(function (f) {
    var original = h[f]
    h[f] = function () {
      var r = original.apply(this, arguments)
      onNavigate()
      return r
    }
  })
  addEventListener('popstate', onNavigate)
}
