// Unit tests of the matcher/formatter (node --test). The DOM side is tested in a real browser by
// tests/CustomerLab.Tests/Tag (xunit + Playwright + Chromium).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compile, replace, split, lease } from '../src/phone.js'

const us = compile(['+15550101234'])
const usLease = lease({ number: '+12025550100', national: '(202) 555-0100', international: '+1 202-555-0100' })

const nanp = [
  ['(555) 010-1234', '(202) 555-0100'],
  ['555-010-1234', '202-555-0100'],
  ['555.010.1234', '202.555.0100'],
  ['555 010 1234', '202 555 0100'],
  ['1-555-010-1234', '1-202-555-0100'],
  ['+1 555 010 1234', '+1 202 555 0100'],
  ['+1 (555) 010-1234', '+1 (202) 555-0100'],
  ['5550101234', '2025550100'],
  ['+15550101234', '+12025550100'],
  ['1 (555) 010-1234', '1 (202) 555-0100'],
  ['+1-555-010-1234', '+1-202-555-0100'],
  ['555\u00a0010\u00a01234', '202\u00a0555\u00a00100'],
]
for (const [text, want] of nanp) {
  test(`NANP "${text}" becomes "${want}"`, () => {
    assert.equal(replace(`Call ${text} today.`, us, usLease), `Call ${want} today.`)
  })
}

const uk = compile(['+442079460000'])
const ukLease = lease({ number: '+442079460123', national: '020 7946 0123', international: '+44 20 7946 0123' })
const international = [
  ['020 7946 0000', '020 7946 0123'],
  ['+44 20 7946 0000', '+44 20 7946 0123'],
  ['+44 (0) 20 7946 0000', '+44 (0) 20 7946 0123'],
  ['+44 (0)20 7946 0000', '+44 (0)20 7946 0123'],
  ['02079460000', '02079460123'],
  ['+442079460000', '+442079460123'],
  ['(020) 7946-0000', '(020) 7946-0123'],
]
for (const [text, want] of international) {
  test(`international "${text}" becomes "${want}"`, () => {
    assert.equal(replace(`Ring ${text}.`, uk, ukLease), `Ring ${want}.`)
  })
}

test('tel: and sms: hrefs keep their form', () => {
  assert.equal(replace('tel:+1-555-010-1234', us, usLease), 'tel:+1-202-555-0100')
  assert.equal(replace('tel:5550101234', us, usLease), 'tel:2025550100')
  assert.equal(replace('sms:+15550101234?body=hi', us, usLease), 'sms:+12025550100?body=hi')
})

test('every occurrence in one text is replaced, other numbers are not', () => {
  const text = 'Sales (555) 010-1234, support (555) 010-9999, fax 555.010.1234; order 45550101234 and 55501012345.'
  assert.equal(replace(text, us, usLease),
    'Sales (202) 555-0100, support (555) 010-9999, fax 202.555.0100; order 45550101234 and 55501012345.')
})

test('numbers at the start and end of the text, and back to back', () => {
  assert.equal(replace('5550101234', us, usLease), '2025550100')
  assert.equal(replace('555-010-1234/555-010-1234', us, usLease), '202-555-0100/202-555-0100')
})

test('text without a target is returned unchanged', () => {
  const text = 'Open 9-5, call 555 010 1235 or write to us. Price $1,234.00'
  assert.equal(replace(text, us, usLease), text)
})

test('several targets in one matcher', () => {
  const both = compile(['+15550101234', '+15550105678'])
  assert.equal(replace('555-010-1234 or 555-010-5678', both, usLease), '202-555-0100 or 202-555-0100')
})

test('a lease from another country is written in its international form', () => {
  assert.equal(replace('Ring 020 7946 0000', uk, usLease), 'Ring +1 202-555-0100')
  assert.equal(replace('Call (555) 010-1234', us, ukLease), 'Call +44 20 7946 0123')
})

test('a lease of another length uses the national or international form', () => {
  const shorter = lease({ number: '+441614960000', national: '0161 496 0000', international: '+44 161 496 0000' })
  const longer = compile(['+4420794600001'])
  assert.equal(replace('Ring 020 7946 00001', longer, shorter), 'Ring 0161 496 0000')
  assert.equal(replace('Ring +44 20 7946 00001', longer, shorter), 'Ring +44 161 496 0000')
})

test('country codes of one, two and three digits', () => {
  assert.deepEqual(split('+12025550100'), ['1', '2025550100'])
  assert.deepEqual(split('+74951234567'), ['7', '4951234567'])
  assert.deepEqual(split('+442079460000'), ['44', '2079460000'])
  assert.deepEqual(split('+4930123456'), ['49', '30123456'])
  assert.deepEqual(split('+353123456789'), ['353', '123456789'])
  assert.deepEqual(split('+380441234567'), ['380', '441234567'])
  assert.deepEqual(split('+97145678901'), ['971', '45678901'])
})
