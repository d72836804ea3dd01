import { config } from './config.js'
import { sendRequest } from './networking.js'
import { normaliseEmail, normalisePhone, sha256 } from './match.js'

/*
 * The tag's leads file (dist/cl-leads.js), loaded by the tag when the site captures forms (the answer's "leads") or
 * when the page calls customerlab('lead' | 'conversion' | 'visitor'). Never a field's value leaves the page: a
 * form's lead carries its id or name, the page and its fields' names; the one email and one phone field the site
 * opted in are sent as the SHA-256 of their normalised form (WebCrypto, on HTTPS pages), or, where WebCrypto is
 * missing (plain HTTP), as typed for the edge to hash on receipt. Opted-out visitors never load this file.
 *
 *   customerlab('lead', {form, email, phone, id})                 a lead from a form that is not a <form> (SPAs, widgets)
 *   customerlab('conversion', {type, orderId, value, currency, email, phone})   a purchase reported by the page (unverified)
 *   customerlab('visitor', fn)                                    fn(token): a signed, short-lived visitor reference for
 *                                                                 the page to send to its server with an order
 */

var base = window.customerlab
var me = document.currentScript
var settings = {}, cc = '1'
/* Hashes made while the visitor typed, by value: a submit can then be sent at once, before the page unloads. */
var hashed = {}

config.api = me.src.replace(/\/t\/[^/]*\/cl-leads\.js([?#].*)?$/, '')
config.k = document.querySelector('script[data-site]').getAttribute('data-site')

function id() {
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12)
}

/* The key of an opted-in value: [field name, value] -> its hash (or the value itself without WebCrypto: "er"/"pr"). */
function key(value, email) {
  var n = email ? normaliseEmail(value) : normalisePhone(value, cc)
  if (!n) return Promise.resolve()
  if (!window.crypto || !crypto.subtle) return Promise.resolve([email ? 'er' : 'pr', value])
  return hashed[n] ? Promise.resolve(hashed[n]) : sha256(n).then(function (h) { return (hashed[n] = [email ? 'e' : 'p', h]) })
}

/* Sends a lead or conversion (a beacon, which survives the page unloading); the hashes first when they are not ready. */
function send(body, email, phone) {
  body.k = config.k
  body.u = location.href
  body.i = body.i || id()
  Promise.all([key(email, 1), key(phone)]).then(function (keys) {
    keys.forEach(function (k) { if (k) body[k[0]] = k[1] })
    sendRequest('/v1/leads', body)
  })
}

function fieldsOf(form) {
  for (var names = [], values = {}, i = 0, el; (el = form.elements[i]); i++)
    if (el.name && !/^(submit|button|reset|image|password|file)$/.test(el.type)) {
      if (names.indexOf(el.name) < 0) names.push(el.name)
      values[el.name] = el.value
    }
  return [names, values]
}

/* Hash opted-in values while they are typed, so the submit does not wait for WebCrypto. */
addEventListener('change', function (e) {
  var el = e.target
  if (el.name && (el.name == settings.email || el.name == settings.phone)) key(el.value, el.name == settings.email)
}, true)

addEventListener('submit', function (e) {
  var form = e.target, a = function (n) { return form.getAttribute(n) || '' }
  if (!settings.forms || !form.matches(settings.forms) || form.closest('[data-customerlab-ignore]')) return
  var f = fieldsOf(form)
  send({ o: 'form', f: a('id') || a('name'), fs: f[0], g: /^get$/i.test(a('method') || 'get') }, f[1][settings.email], f[1][settings.phone])
}, true)

function api(cmd, arg) {
  arg = arg || {}
  if (cmd == 'lead') send({ o: 'page', f: arg.form, i: arg.id }, arg.email, arg.phone)
  else if (cmd == 'conversion') send({ o: 'page', t: arg.type || 'purchase', oid: arg.orderId, v: arg.value, c: arg.currency }, arg.email, arg.phone)
  else if (cmd == 'visitor') base('number', function () { sendRequest('/v1/visitor', { k: config.k, u: location.href }, function (r) { arg(r && r.token || null) }) })
  else base.apply(this, arguments)
}

window.customerlab = api
base('number', function (answer) {
  if (answer) settings = answer.leads || {}, cc = answer.numbers[answer.number][0]
  /* Calls the page made before this file was here, kept by the tag. */
  ;(base.p || []).forEach(function (args) { api.apply(0, args) })
})
