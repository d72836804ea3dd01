/*
 * Finds a site's target numbers in text, in any common formatting, and writes the leased number
 * in the same formatting. Pure functions (no DOM): unit-tested under Node.
 *
 * A number is [country code, national significant number (NSN)], from E.164. Text matches a target
 * when its digits are the target's NSN, optionally preceded by "(" and by "+CC" (with an optional "(0)"),
 * "CC" (1-555-010-1234) or the trunk "0" (020 7946 0000), with up to three separators (space, - . ( ))
 * between any two digits, and with no digit or "+" right before it and no digit right after it. The leased number replaces the NSN
 * digits one by one, so every separator, bracket and the prefix stay where they were. When the
 * leased number has another country code or NSN length, the edge's formatted forms are used
 * instead: international when the text had a "+" (or another country), national otherwise.
 */

/* ITU country codes are a prefix code: 1 and 7 are one digit, these are two, all others three. */
var CC = /^(1|7|2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58]|\d\d\d)/
var SEP = '[-.\\s()]{0,3}'

/** "+442079460000" -> ["44", "2079460000"] */
export function split(e164) {
  var d = e164.replace(/\D/g, '')
  var c = CC.exec(d)[1]
  return [c, d.slice(c.length)]
}

/**
 * Compiles the targets (E.164 strings) into a matcher: {r: RegExp, t: [[cc, nsn], ...]}.
 * Group 1 is the character before the number (kept), group 2 the number.
 */
export function compile(targets) {
  var t = [], alt = []
  for (var i = 0; i < targets.length; i++) {
    var p = split(targets[i])
    t.push(p)
    alt.push('\\(?(?:(?:\\+ ?' + p[0] + '(?: ?\\(0\\))?|' + p[0] + '|0)' + SEP + ')?' + p[1].split('').join(SEP))
  }
  return { r: new RegExp('(^|[^\\d+])(' + alt.join('|') + ')(?!\\d)', 'g'), t: t }
}

/**
 * Replaces every target number in `text` with the leased number `lease`:
 * [cc, nsn, national, international] (see lease()). Returns the text unchanged when nothing matched.
 */
export function replace(text, m, lease) {
  /* Most text nodes (whitespace between tags, words) have no digit: skip the big regex for them. */
  return !/\d/.test(text) ? text : text.replace(m.r, function (all, before, num) {
    var d = num.replace(/\D/g, ''), t, i, j, out
    for (i = 0; (t = m.t[i]); i++) {
      if (d.slice(-t[1].length) != t[1]) continue
      if (lease[0] != t[0] || lease[1].length != t[1].length)
        return before + (lease[0] != t[0] || num.indexOf('+') >= 0 ? lease[3] : lease[2])
      /* Same country and length: swap the NSN digits from the right, keep everything else. */
      for (out = '', j = lease[1].length, i = num.length; i--;)
        out = (j && num[i] >= '0' && num[i] <= '9' ? lease[1][--j] : num[i]) + out
      return before + out
    }
    return all
  })
}

/** The leased number from the edge's answer, as replace() wants it. */
export function lease(answer) {
  var p = split(answer.number)
  return [p[0], p[1], answer.national, answer.international]
}
