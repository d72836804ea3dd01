import { holds, replace } from './phone.js'
import { OPTIONS, ignored, swapAttrs } from './dom.js'

/*
 * The tag's extension (dist/cl-more.js), loaded by the tag after its first answer: numbers split across
 * elements, and open shadow roots. It registers with customerlab('more', fn); the tag then sends every
 * swap through fn(node, matcher, lease, observer): the document, an added node, a changed text node.
 *
 * Text is matched per block: the text of a block element's inline content (inline judged by tag name,
 * not computed style, which would cost layout), so a number split for styling, such as
 * <span>(415)</span> <span>555-0132</span> or a bold area code, is found; the digits go back into the
 * elements they came from. Any other element (a table cell, a list item, <br>) ends a run, so digits in
 * two cells never make one number. A block whose whole text holds no target's digits is skipped with
 * everything in it, so a page whose numbers the tag already swapped costs one textContent.
 *
 * Open shadow roots are walked and observed like the document: those on the page when this file loads
 * (found by a walk over elements) and those attached later (attachShadow is wrapped, since a
 * MutationObserver does not see a root being attached). Closed roots cannot be reached.
 */

var INLINE = /^([ABIQSU]|ABBR|BIG|CITE|CODE|EM|FONT|LABEL|MARK|SMALL|SPAN|STRONG|SU[BP]|TIME)$/
var matcher, leased, observer

/* The element (or root) whose inline content a node is part of. */
function blockOf(node) {
  while ((node = node.parentNode) && INLINE.test(node.tagName));
  return node
}

/*
 * Matches the joined text of consecutive text nodes and writes the result back. When the length is
 * kept (digits swapped one by one: a lease of the same country, length and shape) every node keeps
 * its own characters, so a split number keeps its styling; otherwise each node is swapped on its own.
 * A node in an ignored element (asked only when something would change) splits the run.
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

/* Swaps the runs of a block's inline content, and the blocks in it, skipping those whose text holds no target. */
function swapBlock(block) {
  var run = []
  function visit(el) {
    for (var c = el.firstChild; c; c = c.nextSibling)
      c.nodeType == 3 ? run.push(c) : c.nodeType == 1 && (INLINE.test(c.tagName) ? visit(c) : (write(run), (run = []), swapBlock(c)))
  }
  if (holds(block.textContent, matcher)) visit(block), write(run)
}

/* Attributes of an element and all elements under it, and the open shadow roots there (observed and swapped). */
function walk(root) {
  for (var walker = document.createTreeWalker(root, 1 /* SHOW_ELEMENT */), el = root; el; el = walker.nextNode())
    if (el.nodeType == 1) {
      if (el.hasAttributes()) swapAttrs(el, matcher, leased)
      if (el.shadowRoot) observer.observe(el.shadowRoot, OPTIONS), swap(el.shadowRoot)
    }
}

function swap(node) {
  if (node.nodeType == 3) return swapBlock(blockOf(node))
  walk(node)
  swapBlock(node.nodeType == 9 ? node.documentElement : INLINE.test(node.tagName) ? blockOf(node) : node)
}

var attach = Element.prototype.attachShadow
if (attach) Element.prototype.attachShadow = function () {
  var root = attach.apply(this, arguments)
  if (observer && root.mode == 'open') observer.observe(root, OPTIONS)
  return root
}

window.customerlab('more', function (node, m, l, o) {
  matcher = m
  leased = l
  observer = o
  swap(node)
})
