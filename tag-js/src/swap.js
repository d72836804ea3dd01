import { compile, replace, lease as toLease } from './phone.js'

/*
 * Swaps the page's target numbers for the leased one: text nodes, tel:/sms: hrefs, title and
 * aria-label. Never inside script, style, noscript, template, textarea, input, select or a
 * [data-customerlab-ignore] subtree (JSON-LD is a script). A MutationObserver keeps swapping
 * what the page adds or changes later; each callback handles only the changed nodes, in one pass.
 */

var IGNORE = 'script,style,noscript,template,textarea,input,select,[data-customerlab-ignore]'
var ATTRS = ['href', 'title', 'aria-label']
var matcher, leased, observer

function swapText(node) {
  var v = node.data, w = replace(v, matcher, leased)
  if (w != v) node.data = w
}

function swapAttrs(el) {
  for (var i = 0, a, v, w; (a = ATTRS[i]); i++) {
    v = el.getAttribute(a)
    if (v && (i || /^(tel|sms):/i.test(v)) && (w = replace(v, matcher, leased)) != v) el.setAttribute(a, w)
  }
}

function walk(node) {
  if (node.nodeType == 3) return swapText(node)
  if (node.nodeType != 1 || node.matches(IGNORE)) return
  swapAttrs(node)
  for (var c = node.firstChild; c; c = c.nextSibling) walk(c)
}

function ignored(node) {
  var el = node.nodeType == 1 ? node : node.parentElement
  return !node.isConnected || (el && el.closest(IGNORE))
}

function onMutations(records) {
  for (var i = 0, r, n, j; (r = records[i]); i++) {
    n = r.target
    if (ignored(n)) continue
    if (r.type == 'childList') for (j = 0; j < r.addedNodes.length; j++) walk(r.addedNodes[j])
    else if (r.type == 'attributes') swapAttrs(n)
    else swapText(n)
  }
  /* Our own writes queue records too: drop them, they need no second look. */
  observer.takeRecords()
}

/** Swaps the whole document now (also the public "swap" call). */
export function swapAll() {
  if (!matcher) return
  walk(document.documentElement)
  if (observer) observer.takeRecords()
}

/**
 * Starts swapping for the edge's answer: `targets` are E.164 numbers (the site's, plus numbers
 * shown before when a renewal hands out another one).
 */
export function start(answer, targets) {
  matcher = compile(targets)
  leased = toLease(answer)
  if (!observer) {
    observer = new MutationObserver(onMutations)
    observer.observe(document.documentElement, { childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ATTRS })
  }
  swapAll()
}
