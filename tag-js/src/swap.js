import { compile, holds, replace, lease as toLease } from './phone.js'
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

/*
 * Swaps a text node, or the text in an element, going into an element only when its whole text holds a target (one
 * textContent and one test): the text of a page without the number is not read node by node, and of a page with it
 * only on the way to each number. On this cold path each step of the walk costs, not the characters read, so an
 * element costs one textContent and one test when it holds no target, even one with no element in it. Whether a node
 * is in an ignored element is asked only when something would change. Without the test: the whole document (`all`:
 * its text is its head's and body's, which are tested, so reading it first would read the page's text once more).
 */
function swapText(node, all) {
  if (node.nodeType == 3) {
    var v = node.data, w = replace(v, matcher, leased)
    if (w != v && !ignored(node)) node.data = w
  } else if (all || holds(node.textContent, matcher)) for (node = node.firstChild; node; node = node.nextSibling) swapText(node)
}

/*
 * Swaps a text node, or everything in an element: its text, then the element itself and those in it whose href, title
 * or aria-label holds a target's last digits (matcher.q), found by the browser's selector engine rather than a walk
 * over every element or a read of every tel: link.
 */
function swap(node, all) {
  if (more) more(node, matcher, leased, observer)
  else if (swapText(node, all), node.nodeType == 1)
    for (var all = node.querySelectorAll(matcher.q), i = 0; node; node = all[i++]) swapAttrs(node, matcher, leased)
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
  if (matcher) swap(document.documentElement, 1), observer.takeRecords()
}

/**
 * Starts swapping for the edge's answer: `targets` are E.164 numbers (the site's, plus numbers
 * shown before when a renewal hands out another one).
 */
export function start(answer, targets) {
  Object.assign(numbers, answer.numbers)
  matcher = compile(targets, numbers)
  leased = toLease(answer, numbers)
  observer = observer || new MutationObserver(onMutations)
  /* Observed from after the first swap, so that swap's own writes queue no records. */
  swapAll()
  observer.observe(document, OPTIONS)
}

/** The extension registers here (customerlab('more', fn)); from then on every swap goes through it. */
export function extend(fn) {
  more = fn
  swapAll()
}
