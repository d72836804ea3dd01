/*
 * Finds a site's target numbers in text and writes the leased number in the same formatting.
 * Pure functions (no DOM): unit-tested under Node.
 *
 * The edge describes every number it names (targets and the lease) as [country code, national
 * significant number (NSN), shape, pattern, selector], from libphonenumber's metadata: the pattern matches the
 * number only in a real shape of it, grouped as that number is written ("334" for (415) 555-0132,
 * "244" for 020 7946 0000, any grouping where the country's is open, as in Germany) or not grouped
 * at all, with its prefixes ("+44 (0)", "1-", a trunk "0", brackets) and the separators people use
 * (space, non-breaking space, "-", ".", "/"). No digit or "+" may stand right before it and no digit
 * right after it, so 415-5550-132 or a longer digit run stays as it is.
 *
 * The leased number replaces the NSN digits one by one, so every separator, bracket and prefix stays
 * where it was. When it has another country code, length or shape, the edge's formatted forms are
 * used instead: international when the text had a "+" (or another country), national otherwise.
 */

/**
 * Compiles the targets (E.164 strings) into a matcher {r: RegExp, t: [number, ...], h: RegExp, q: selector},
 * `numbers` being the edge's descriptions by E.164. Group 1 of r is the character before the number (kept), group 2
 * the number. h finds a target's NSN digits in order with anything but digits between them ("2\D*0\D*2..."): what
 * holds() asks. q, the targets' selectors joined, finds the elements whose href, title or aria-label holds a target's
 * tail: the last digits every form the pattern accepts writes together ("0132" for 334, one digit where the grouping
 * is open), so the selector engine rules out every other attribute without a read.
 */
export function compile(targets, numbers) {
  var t = targets.map(function (e) { return numbers[e] })
  return {
    r: RegExp('(^|[^\\d+])(' + t.map(function (n) { return n[3] }).join('|') + ')(?!\\d)', 'g'),
    t: t,
    h: RegExp(t.map(function (n) { return n[1].split('').join('\\D*') }).join('|')),
    /* An edge from before the selectors (during a rolling release) sends none: then every element is looked at. */
    q: t.map(function (n) { return n[4] || '*' }).join(),
  }
}

/**
 * True when the digits of `text` hold a target's NSN: a cheap test that spares most text the matcher. One regular
 * expression test, no string built, so the tag can ask it of every text node (and of a whole page's text at once).
 */
export function holds(text, m) {
  return m.h.test(text)
}

/**
 * Replaces every target number in `text` with the leased number `lease`:
 * [cc, nsn, shape, pattern, national, international] (see lease()). Returns the text unchanged when nothing matched.
 */
export function replace(text, m, lease) {
  return !holds(text, m) ? text : text.replace(m.r, function (all, before, num) {
    var d = num.replace(/\D/g, ''), t, i, j, out
    for (i = 0; (t = m.t[i]); i++) {
      if (d.slice(-t[1].length) != t[1]) continue
      if (lease[0] != t[0] || lease[2] != t[2] || lease[1].length != t[1].length)
        return before + lease[lease[0] != t[0] || num.includes('+') ? 5 : 4]
      /* Same country, shape and length: swap the NSN digits from the right, keep everything else. */
      for (out = '', j = lease[1].length, i = num.length; i--;)
        out = (j && num[i] >= '0' && num[i] <= '9' ? lease[1][--j] : num[i]) + out
      return before + out
    }
    return all
  })
}

/** The leased number from the edge's answer, as replace() wants it (its description without the selector, if any). */
export function lease(answer, numbers) {
  return numbers[answer.number].slice(0, 4).concat(answer.national, answer.international)
}
