/*
 * Email and phone numbers as match keys, normalised as Google's enhanced conversions specify, then SHA-256 (hex):
 * the same rules as the edge's MatchKeys (src/CustomerLab.Edge/Conversions/MatchKeys.cs; test/match-keys.json holds
 * the cases both must agree on). Pure functions, unit-tested under Node.
 */

/** Trimmed, lower case, no whitespace; for gmail.com and googlemail.com the dots before the @ go. '' when not an email. */
export function normaliseEmail(v) {
  v = String(v || '').replace(/\s+/g, '').toLowerCase()
  var at = v.lastIndexOf('@'), domain = v.slice(at + 1)
  if (at < 1 || !domain) return ''
  return /^(gmail|googlemail)\.com$/.test(domain) ? v.slice(0, at).replace(/\./g, '') + '@' + domain : v
}

/**
 * E.164 (+ and digits): "+" or "00" starts an international number; otherwise it is national in the country `cc`
 * (the site's, from the edge's answer): a trunk "0" is dropped (Italy keeps it; so does "(0)" after a country code),
 * and in NANP (cc 1) a leading "1".
 * '' when there are too few digits to be a phone number.
 */
export function normalisePhone(v, cc) {
  v = String(v || '').replace('(0)', '')
  var d = v.replace(/\D/g, '')
  if (d.length < 6) return ''
  if (/^\s*\+/.test(v)) return '+' + d
  if (/^00/.test(d)) return '+' + d.slice(2)
  if (cc == '1') return '+' + (d.length == 11 && d[0] == '1' ? d : '1' + d)
  return '+' + cc + (cc == '39' ? d : d.replace(/^0/, ''))
}

/** Hex SHA-256 of the text (WebCrypto: HTTPS pages and localhost only). */
export function sha256(text) {
  return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)).then(function (b) {
    return Array.from(new Uint8Array(b), function (x) { return (x < 16 ? '0' : '') + x.toString(16) }).join('')
  })
}
