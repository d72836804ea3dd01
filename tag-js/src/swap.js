import { compile, replace, lease as toLease } from './phone.js'
import { OPTIONS, ignored, swapAttrs } from './dom.js'

/*
 * Swaps the page's target numbers for the leased one: text nodes, tel:/sms:/callto: hrefs, title and
 * aria-label. Never inside script, style, noscript, template, textarea, input, select or a
 * [data-customerlab-ignore] subtree (JSON-LD is a script). A MutationObserver keeps swapping what
 * the page adds or changes.
 *
 * This file swaps a number written whole in one text node. Numbers split across elements and open
 * shadow roots are the extension's (more.js, loaded after the first answer): once it registers,
 * every swap goes through it, with this file's matcher, lease and observer.
 */

var matcher, leased, observer, more
var numbers = {}

/* Whether a node is in an ignored element is asked only when something would change (rarely). */
function swapText(node) {
  var v = node.data, w = replace(v, matcher, leased)
  if (w != v && !ignored(node)) node.data = w
}

/* Swaps a text node, or everything under an element or the document in one walk over elements and text. */
function swap(node) {
  if (more) more(node, matcher, leased, observer)
  else if (node.nodeType == 3) swapText(node)
  else for (var walker = document.createTreeWalker(node, 5 /* SHOW_ELEMENT | SHOW_TEXT */); (node = walker.nextNode());)
    node.nodeType == 3 ? swapText(node) : node.hasAttributes() && swapAttrs(node, matcher, leased)
}

function onMutations(records) {
  for (var i = 0, r, n, j; (r = records[i]); i++)
    for (j = 0; (n = (r.type == 'childList' ? r.addedNodes : [r.target])[j]); j++)
      if (!ignored(n)) r.type == 'attributes' ? swapAttrs(n, matcher, leased) : swap(n)
  /* Our own writes queue records too: drop them, they need no second look. */
  observer.takeRecords()
}

/** Swaps the whole document now (also the public "swap" call). */
export function swapAll() {
  if (matcher) swap(document), observer.takeRecords()
}

/**
 * Starts swapping for the edge's answer: `targets` are E.164 numbers (the site's, plus numbers
 * shown before when a renewal hands out another one).
 */
export function start(answer, targets) {
  Object.assign(numbers, answer.numbers)
  matcher = compile(targets, numbers)
  leased = toLease(answer, numbers)
  if (!observer) (observer = new MutationObserver(onMutations)).observe(document, OPTIONS)
  swapAll()
}

/** The extension registers here (customerlab('more', fn)); from then on every swap goes through it. */
export function extend(fn) {
  more = fn
  swapAll()
}
