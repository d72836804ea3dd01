import { replace } from './phone.js'

/* What both files of the tag share: where numbers are never swapped, and the attributes that hold them. */
export var IGNORE = 'script,style,noscript,template,textarea,input,select,[data-customerlab-ignore]'
export var ATTRS = ['href', 'title', 'aria-label']
export var OPTIONS = { childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ATTRS }

export function ignored(node) {
  var el = node.nodeType == 1 ? node : node.parentElement
  return !node.isConnected || (el && el.closest(IGNORE))
}

/* tel:/sms:/callto: hrefs, title and aria-label. The ignored check only when something would change (rarely). */
export function swapAttrs(el, matcher, leased) {
  for (var i = 0, a, v, w; (a = ATTRS[i]); i++) {
    v = el.getAttribute(a)
    if (v && (i || /^(tel|sms|callto):/i.test(v)) && (w = replace(v, matcher, leased)) != v && !ignored(el)) el.setAttribute(a, w)
  }
}
