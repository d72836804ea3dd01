/*
 * Settings from the tag's own <script> element:
 *   data-site     the site key (required; without it the tag does nothing)
 *   data-api      the edge's base URL; default: the script's own src without "/cl.js" or "/t/<version>/cl.js"
 *   data-hide     anti-flicker: hide these elements (a CSS selector; empty = tel:/sms: links and
 *                 [data-cl-number]) until the number is swapped, or until data-timeout passes
 *   data-timeout  milliseconds to wait for the edge (default DEFAULT_TIMEOUT_MS = 1,500)
 */
export var config = {}

export function init() {
  var s = document.currentScript || document.querySelector('script[data-site]')
  var a = function (n) { return s.getAttribute('data-' + n) }
  config.k = s && a('site')
  if (!config.k) return
  config.api = a('api') || s.src.replace(/\/(t\/[^/]*\/)?cl\.js([?#].*)?$/, '')
  config.hide = a('hide')
  config.timeout = +a('timeout') || DEFAULT_TIMEOUT_MS
  return 1
}
