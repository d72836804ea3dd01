import { compile, replace, holds, lease as toLease } from './phone.js'

/*
 * Swaps the page's target numbers for the leased one: text, tel:/sms:/callto: hrefs, title and
 * aria-label. Never inside script, style, noscript, template, textarea, input, select or a
 * [data-customerlab-ignore] subtree (JSON-LD is a script).
 *
 * Text is matched per block: the text of a block element's inline content (inline judged by tag
 * name, not computed style, which would cost layout), so a number split for styling, such as
 * <span>(415)</span> <span>555-0132</span> or a bold area code, is found; the digits go back into
 * the elements they came from. Any other element (a table cell, a list item, <br>) ends a run, so
 * digits in two cells never make one number. Only text nodes with a digit lead to their block.
 *
 * Open shadow roots are walked and observed like the document: those found on the page and those
 * attached later (attachShadow is wrapped, since a MutationObserver does not see a root attached).
 * Closed roots cannot be reached. A MutationObserver keeps swapping what the page adds or changes.
 */

var IGNORE = 'script,style,noscript,template,textarea,input,select,[data-customerlab-ignore]'
var INLINE = /^([ABIQSU]|ABBR|BIG|CITE|CODE|EM|FONT|LABEL|MARK|SMALL|SPAN|STRONG|SU[BP]|TIME)$/
var ATTRS = ['href', 'title', 'aria-label']
var OPTIONS = { childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ATTRS }
var matcher, leased, observer
var numbers = {}

function ignored(node) {
  var el = node.nodeType == 1 ? node : node.parentElement
  return !node.isConnected || (el && el.closest(IGNORE))
}

/* The element (or root) whose inline content a node is part of. */
function blockOf(node) {
  while ((node = node.parentNode) && INLINE.test(node.tagName));
  return node
}

/* The text nodes of a block's inline content, in order; 0 where another element breaks the run. */
function inline(el, run) {
  for (var c = el.firstChild; c; c = c.nextSibling)
    c.nodeType == 3 ? run.push(c) : c.nodeType == 1 && (INLINE.test(c.tagName) ? inline(c, run) : run.push(0))
  return run
}

/*
 * Matches the joined text of consecutive text nodes and writes the result back. When the length is
 * kept (digits swapped one by one: a lease of the same country, length and shape) every node keeps
 * its own characters, so a split number keeps its styling; otherwise each node is swapped on its own.
 * Whether a node is in an ignored element is asked only when something would change (rarely), and
 * such a node then splits the run.
 */
function write(nodes) {
  for (var s = '', i = 0, n; (n = nodes[i]); i++) s += n.data
  var r = replace(s, matcher, leased), a = 0, w
  if (r != s) {
    for (i = 0; (n = nodes[i]); i++) if (ignored(n)) return write(nodes.slice(0, i)), write(nodes.slice(i + 1))
    for (i = 0; (n = nodes[i]); i++, a += w.length) {
      w = n.data
      n.data = r.length == s.length ? r.substr(a, w.length) : replace(w, matcher, leased)
    }
  }
}

/* A block whose whole text (nested blocks included: a superset of its runs) holds no target is skipped. */
function swapBlock(block) {
  if (holds(block.textContent, matcher))
  for (var all = inline(block, []).concat(0), run = [], i = 0, n; i < all.length; i++)
      (n = all[i]) ? run.push(n) : (write(run), (run = []))
}

function swapAttrs(el) {
  for (var i = 0, a, v, w; (a = ATTRS[i]); i++) {
    v = el.getAttribute(a)
    if (v && (i || /^(tel|sms|callto):/i.test(v)) && (w = replace(v, matcher, leased)) != v && !ignored(el)) el.setAttribute(a, w)
  }
}

function observe(root) {
  observer.observe(root, OPTIONS)
}

function swapElement(el) {
  if (el.hasAttributes()) swapAttrs(el)
  if (el.shadowRoot) observe(el.shadowRoot), swapIn(el.shadowRoot)
}

/*
 * Swaps everything under a root (the document, a shadow root or an added element), shadow roots included,
 * in one walk over elements and text. Only text with a digit leads to its block, each block once.
 */
function swapIn(root) {
  for (var walker = document.createTreeWalker(root, 5 /* NodeFilter.SHOW_ELEMENT | SHOW_TEXT */), seen = new Set(), n, b; (n = walker.nextNode());)
    n.nodeType == 1 ? swapElement(n) : /\d/.test(n.data) && !seen.has((b = blockOf(n))) && swapBlock(seen.add(b) && b)
}

function onMutations(records) {
  if (matcher)
  for (var i = 0, r, n, j, a; (r = records[i]); i++)
    for (j = 0, a = r.type == 'childList' ? r.addedNodes : [r.target]; (n = a[j]); j++)
      if (!ignored(n)) n.nodeType != 1 ? swapBlock(blockOf(n)) : r.type == 'attributes' ? swapAttrs(n) : (swapElement(n), swapIn(n))
  /* Our own writes queue records too: drop them, they need no second look. */
  observer.takeRecords()
}

/**
 * At load, before any answer: observes the document, and wraps attachShadow so that open roots
 * attached later are observed too (what they hold before the answer is swapped with the rest).
 */
export function init() {
  var attach = Element.prototype.attachShadow
  observer = new MutationObserver(onMutations)
  observe(document)
  if (attach) Element.prototype.attachShadow = function () {
    var root = attach.apply(this, arguments)
    if (root.mode == 'open') observe(root)
    return root
  }
}

/** Swaps the whole document now (also the public "swap" call). */
export function swapAll() {
  if (!matcher) return
  swapIn(document)
  observer.takeRecords()
}

/**
 * Starts swapping for the edge's answer: `targets` are E.164 numbers (the site's, plus numbers
 * shown before when a renewal hands out another one).
 */
export function start(answer, targets) {
  Object.assign(numbers, answer.numbers)
  matcher = compile(targets, numbers)
  leased = toLease(answer, numbers)
  swapAll()
}
