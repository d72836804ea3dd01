import { config, init as initConfig } from './config.js'
import { sendRequest } from './networking.js'
import { start, swapAll, extend } from './swap.js'
import { track, init as initTrack } from './track.js'

/*
 * Entry point. Flow: read the settings; stop here (no request, no swap) for an opted-out browser;
 * otherwise ask the edge for the visitor's number, swap it in, then send the first pageview (after
 * the answer, so the edge's cookies are set; or after data-timeout if the edge is slow or down).
 * SPA navigations send a pageview and renew the lease (a renewal may hand out another number: the
 * one shown before then becomes a target too); an open page also renews it at half its remaining time.
 *
 * Once a number is shown it loads its extension (cl-more.js: split numbers, shadow roots), and on sites that
 * capture forms the leads file (cl-leads.js), each from its content-addressed URL.
 *
 * API (the queue stub keeps calls made before the tag loaded):
 *   customerlab('swap')            swap the whole page again
 *   customerlab('pageview'[, url]) send a pageview now (e.g. for hash routers)
 *   customerlab('number', fn)      fn(answer) once the first answer is in (null: no number)
 *   customerlab('lead' | 'conversion' | 'visitor', ...)   the leads file's (loaded on first use; docs/leads.md)
 */
var queue = (window.customerlab || {}).q || []
var off, done, late, answer, timer, hide, shown, renew, more, leads
var waiting = []
var targets = []

function api(cmd, arg) {
  if (cmd == 'number') done ? arg(answer) : waiting.push(arg)
  else if (off) return
  else if (cmd == 'swap') swapAll()
  else if (cmd == 'pageview') track(arg)
  else if (cmd == 'more') extend(arg)
  /* Anything else ('lead', 'conversion', 'visitor') is the leads file's: kept for it (api.p), and it is loaded. */
  else (api.p = api.p || []).push(arguments), leads = leads || load(LEADS_PATH)
}

/* Loads one of the tag's other files from its versioned URL. */
function load(path) {
  var s = document.createElement('script')
  s.src = config.api + path
  return document.head.appendChild(s)
}

/* The first answer, or the timeout: stop hiding, answer the waiting callbacks, count the pageview. */
function settle(a) {
  if (done) return
  done = 1
  clearTimeout(timer)
  if (hide) hide.remove()
  answer = a || null
  waiting.forEach(function (f) { f(answer) })
  if (!off) track()
}

function ask(first) {
  sendRequest('/v1/number', { k: config.k, u: location.href, r: document.referrer, s: true }, function (a) {
    if (a && a.reason == 'opted_out') off = 1
    /* With anti-flicker on, an answer after the timeout is ignored: the page was already revealed unchanged. */
    else if (a && a.number && !(first && late)) {
      if (shown && shown != a.number) targets.push(shown)
      shown = a.number
      start(a, a.targets.concat(targets))
      /*
       * Keep the lease while the page stays open, since a number shown past its lease could be another visitor's
       * by then: renew at half its remaining time, at least a minute apart (a wrong clock cannot make a loop).
       */
      clearTimeout(renew)
      renew = setTimeout(ask, Math.max(6e4, (Date.parse(a.expiresAt) - Date.now()) / 2 || 0))
    }
    settle(a && a.number && !off && a)
    /*
     * Once a number is shown: the extension (split numbers, shadow roots), after the first swap and pageview so it
     * delays neither; one small file, immutable at its versioned URL, so a browser fetches it once per version
     * (docs/tag.md says why always). Form capture only on sites that use it.
     */
    if (shown && !off && a) more = more || load(MORE_PATH), leads = leads || a.leads && load(LEADS_PATH)
  })
}

function navigate() {
  if (!off && track()) ask()
}

if (initConfig()) {
  off = /(^|;\s*)_clopt=/.test(document.cookie) || navigator.globalPrivacyControl
  window.customerlab = api
  if (off) settle()
  else {
    if (config.hide != null) {
      hide = document.createElement('style')
      hide.textContent = (config.hide || 'a[href^="tel:"],a[href^="sms:"],[data-cl-number]') + '{visibility:hidden!important}'
      document.head.appendChild(hide)
    }
    timer = setTimeout(function () { late = hide; settle() }, config.timeout)
    ask(1)
    /* A page still loading gets a second look once parsed (after parsing, the event has fired and never comes). */
    addEventListener('DOMContentLoaded', function () { api('swap') })
    if (COMPILE_SPA) initTrack(navigate)
  }
  queue.forEach(function (args) { api.apply(0, args) })
}
