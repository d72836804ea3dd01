// Unit tests of the matcher/formatter (node --test), on the numbers as the edge describes them (test/numbers.json:
// shapes and patterns from libphonenumber's metadata, kept equal to the edge's output by TagNumbersContractTests).
// The DOM side (split numbers, shadow roots) is tested in a real browser by tests/CustomerLab.Tests/Tag.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { compile, holds, replace, lease } from '../src/phone.js'

const edge = JSON.parse(readFileSync(new URL('./numbers.json', import.meta.url)))
const numbers = Object.fromEntries(Object.entries(edge).map(([e164, n]) => [e164, n.match]))
const matcher = (...targets) => compile(targets, numbers)
const leaseOf = (e164) => lease({ number: e164, national: edge[e164].national, international: edge[e164].international }, numbers)

/**
 * Per country: a target, a lease of the same shape, the forms people write (national and international) with the
 * target's digits, the same forms with the lease's digits, and look-alikes that must stay as they are.
 */
const countries = {
  'US': {
    target: '+14155550132', lease: '+12025550100',
    forms: [
      ['(415) 555-0132', '(202) 555-0100'], ['415-555-0132', '202-555-0100'], ['415.555.0132', '202.555.0100'],
      ['415 555 0132', '202 555 0100'], ['415/555-0132', '202/555-0100'], ['1-415-555-0132', '1-202-555-0100'],
      ['1 (415) 555-0132', '1 (202) 555-0100'], ['+1 415 555 0132', '+1 202 555 0100'],
      ['+1 (415) 555-0132', '+1 (202) 555-0100'], ['+1-415-555-0132', '+1-202-555-0100'],
      ['4155550132', '2025550100'], ['+14155550132', '+12025550100'], ['415\u00a0555\u00a00132', '202\u00a0555\u00a00100'],
      ['(415)555-0132', '(202)555-0100'],
    ],
    stay: ['415-5550-132', '41-555-50132', '4155-550-132', '415 5550132', '14155550132000', 'order 4415-555-0132', '415-555-01320'],
  },
  'CA': {
    target: '+16045550123', lease: '+16045550188',
    forms: [['(604) 555-0123', '(604) 555-0188'], ['+1 604-555-0123', '+1 604-555-0188'], ['604.555.0123', '604.555.0188']],
    stay: ['604-5550-123', '6045-550123'],
  },
  'UK': {
    target: '+442079460000', lease: '+442079460123',
    forms: [
      ['020 7946 0000', '020 7946 0123'], ['(020) 7946 0000', '(020) 7946 0123'], ['(020) 7946-0000', '(020) 7946-0123'],
      ['+44 20 7946 0000', '+44 20 7946 0123'], ['+44 (0)20 7946 0000', '+44 (0)20 7946 0123'],
      ['+44 (0) 20 7946 0000', '+44 (0) 20 7946 0123'], ['02079460000', '02079460123'], ['+442079460000', '+442079460123'],
      ['020\u00a07946\u00a00000', '020\u00a07946\u00a00123'],
    ],
    stay: ['0207 946 0000', '020 794 60000', '02 079 460 000', '+44 2079 460 000'],
  },
  'UK mobile': {
    target: '+447700900123', lease: '+447700900456',
    forms: [['07700 900123', '07700 900456'], ['+44 7700 900123', '+44 7700 900456'], ['07700900123', '07700900456']],
    stay: ['077 0090 0123', '0770 090 0123'],
  },
  'AU': {
    target: '+61298765432', lease: '+61298765000',
    forms: [
      ['(02) 9876 5432', '(02) 9876 5000'], ['02 9876 5432', '02 9876 5000'], ['+61 2 9876 5432', '+61 2 9876 5000'],
      ['+61 (0)2 9876 5432', '+61 (0)2 9876 5000'], ['0298765432', '0298765000'], ['+61298765432', '+61298765000'],
    ],
    stay: ['0298 765 432', '02 987 65432'],
  },
  'AU mobile': {
    target: '+61412345678', lease: '+61412345000',
    forms: [['0412 345 678', '0412 345 000'], ['+61 412 345 678', '+61 412 345 000'], ['0412-345-678', '0412-345-000']],
    stay: ['04 1234 5678', '0412 34 5678'],
  },
  'DE (free grouping)': {
    target: '+493023125100', lease: '+493023125999',
    forms: [
      ['030/23125100', '030/23125999'], ['030 23125100', '030 23125999'], ['030 231 251 00', '030 231 259 99'],
      ['(030) 23 12 51 00', '(030) 23 12 59 99'], ['030-2312-5100', '030-2312-5999'], ['+49 30 23125100', '+49 30 23125999'],
      ['+49 (0)30 23125100', '+49 (0)30 23125999'], ['+49 (0) 30 / 231 251 00', '+49 (0) 30 / 231 259 99'],
      ['+493023125100', '+493023125999'],
    ],
    stay: ['030 231251001', '0 3023 125 1000'],
  },
  'FR': {
    target: '+33123456789', lease: '+33123456000',
    forms: [
      ['01 23 45 67 89', '01 23 45 60 00'], ['01.23.45.67.89', '01.23.45.60.00'], ['01-23-45-67-89', '01-23-45-60-00'],
      ['+33 1 23 45 67 89', '+33 1 23 45 60 00'], ['+33 (0)1 23 45 67 89', '+33 (0)1 23 45 60 00'], ['0123456789', '0123456000'],
      ['01\u00a023\u00a045\u00a067\u00a089', '01\u00a023\u00a045\u00a060\u00a000'],
    ],
    stay: ['012 345 6789', '01 234 567 89', '0123 45 67 89'],
  },
  'IE': {
    target: '+35312345678', lease: '+35312345000',
    forms: [['(01) 234 5678', '(01) 234 5000'], ['01 234 5678', '01 234 5000'], ['+353 1 234 5678', '+353 1 234 5000'], ['+353 (0)1 234 5678', '+353 (0)1 234 5000']],
    stay: ['012 345 678', '01 2345 678'],
  },
  'NZ': {
    target: '+6493456789', lease: '+6493456000',
    forms: [['09 345 6789', '09 345 6000'], ['(09) 345-6789', '(09) 345-6000'], ['+64 9 345 6789', '+64 9 345 6000'], ['+64 (0)9 345 6789', '+64 (0)9 345 6000']],
    stay: ['093 456 789', '09 3456 789'],
  },
}

for (const [country, c] of Object.entries(countries)) {
  const m = matcher(c.target), l = leaseOf(c.lease)
  for (const [text, want] of c.forms) {
    test(`${country}: "${text}" becomes "${want}"`, () => {
      assert.equal(replace(`Call ${text} today.`, m, l), `Call ${want} today.`)
    })
  }
  test(`${country}: look-alikes stay (${c.stay.join(' / ')})`, () => {
    for (const text of c.stay) assert.equal(replace(`Ref ${text}.`, m, l), `Ref ${text}.`)
  })
}

test('tel:, sms: and callto: hrefs keep their form', () => {
  const m = matcher('+14155550132'), l = leaseOf('+12025550100')
  assert.equal(replace('tel:+1-415-555-0132', m, l), 'tel:+1-202-555-0100')
  assert.equal(replace('tel:4155550132', m, l), 'tel:2025550100')
  assert.equal(replace('callto:+14155550132', m, l), 'callto:+12025550100')
  assert.equal(replace('sms:+14155550132?body=hi', m, l), 'sms:+12025550100?body=hi')
})

test('extensions are kept after the swapped number', () => {
  const m = matcher('+14155550132'), l = leaseOf('+12025550100')
  assert.equal(replace('(415) 555-0132 ext. 12', m, l), '(202) 555-0100 ext. 12')
  assert.equal(replace('415-555-0132 x12', m, l), '202-555-0100 x12')
  assert.equal(replace('415.555.0132 #12', m, l), '202.555.0100 #12')
  assert.equal(replace('tel:+14155550132;ext=12', m, l), 'tel:+12025550100;ext=12')
  assert.equal(replace('tel:+14155550132,12', m, l), 'tel:+12025550100,12')
})

test('every occurrence in one text is replaced, other numbers are not', () => {
  const m = matcher('+14155550132'), l = leaseOf('+12025550100')
  const text = 'Sales (415) 555-0132, support (415) 555-9999, fax 415.555.0132; order 44155550132 and 41555501320.'
  assert.equal(replace(text, m, l),
    'Sales (202) 555-0100, support (415) 555-9999, fax 202.555.0100; order 44155550132 and 41555501320.')
})

test('numbers at the start and end of the text, and back to back', () => {
  const m = matcher('+14155550132'), l = leaseOf('+12025550100')
  assert.equal(replace('4155550132', m, l), '2025550100')
  assert.equal(replace('415-555-0132/415-555-0132', m, l), '202-555-0100/202-555-0100')
})

test('several targets in one matcher', () => {
  const m = matcher('+14155550132', '+442079460000'), l = leaseOf('+12025550100')
  assert.equal(replace('415-555-0132 or 415-555-0132', m, l), '202-555-0100 or 202-555-0100')
  assert.equal(replace('US 415-555-0132, UK +44 20 7946 0000', m, l), 'US 202-555-0100, UK +1 202-555-0100')
})

test('a lease from another country is written in its international form', () => {
  assert.equal(replace('Ring 020 7946 0000', matcher('+442079460000'), leaseOf('+12025550100')), 'Ring +1 202-555-0100')
  assert.equal(replace('Call (415) 555-0132', matcher('+14155550132'), leaseOf('+442079460123')), 'Call +44 20 7946 0123')
})

test('a lease of another shape or length uses the national or international form', () => {
  const m = matcher('+442079460000'), other = leaseOf('+441614960000')
  assert.equal(replace('Ring 020 7946 0000', m, other), 'Ring 0161 496 0000')
  assert.equal(replace('Ring +44 20 7946 0000', m, other), 'Ring +44 161 496 0000')
  assert.equal(replace('Ring 07700 900123', matcher('+447700900123'), other), 'Ring 0161 496 0000')
})

test('a pattern from the edge matches nothing but its own number', () => {
  for (const [e164, n] of Object.entries(numbers)) {
    const m = matcher(e164)
    for (const other of Object.keys(numbers)) if (other != e164)
      assert.equal(replace(edge[other].national, m, leaseOf(e164)), edge[other].national, `${e164} matched ${other}`)
    assert.notEqual(replace(edge[e164].national, m, leaseOf(e164 == '+14155550132' ? '+12025550100' : '+14155550132')), edge[e164].national, `${e164} missed its national form`)
  }
})

test('holds: the text has a target\'s digits in order with only non-digits between them, the page-wide pre-test', () => {
  const m = matcher('+14155550132', '+442079460000')
  for (const yes of ['(415) 555-0132', 'call 415.555.0132 now', '(415)</span> <span>555-0132', '4155550132', '+44 (0)20 7946 0000', 'x 2 0 7 9 4 6 0 0 0 0 y'])
    assert.ok(holds(yes, m), yes)
  for (const no of ['', 'no digits here', '415-555-013', '415 555 0 1 3 3', '41 5 9 555 0132', '020 7946 000'])
    assert.ok(!holds(no, m), no)
  assert.ok(holds(' 14155550132000', m), 'the pre-test ignores what stands around the digits; the matcher judges that')
})

test('q: without the edge\'s selectors (an edge from before them) every element is looked at', () => {
  const old = Object.fromEntries(Object.entries(numbers).map(([e164, n]) => [e164, n.slice(0, 4)]))
  assert.equal(compile(['+14155550132', '+442079460000'], old).q, '*,*')
  // and the lease's formatted forms are where replace() reads them either way
  const answer = { number: '+442079460123', national: edge['+442079460123'].national, international: edge['+442079460123'].international }
  assert.deepEqual(lease(answer, old), lease(answer, numbers))
  assert.equal(replace('Call +1 415 555 0132', compile(['+14155550132'], old), lease(answer, old)), 'Call ' + answer.international)
})

test('q: attributes are selected by the last digits every accepted form writes together', () => {
  const tail = (m) => [...m.q.matchAll(/\[(href|title|aria-label)\*="(\d+)"\]/g)].map((x) => x[1] + ' ' + x[2])
  assert.deepEqual(tail(matcher('+14155550132')), ['href 0132', 'title 0132', 'aria-label 0132'])
  assert.deepEqual(tail(matcher('+442079460000', '+447700900123')), ['href 0000', 'title 0000', 'aria-label 0000', 'href 900123', 'title 900123', 'aria-label 900123'])
  assert.deepEqual(tail(matcher('+493023125100')), ['href 0', 'title 0', 'aria-label 0'])
  // Sound: every form the matcher swaps holds its digits as one run, so the selector never rules out a real number.
  for (const [country, c] of Object.entries(countries)) {
    const m = matcher(c.target), digits = m.q.match(/\*="(\d+)"/)[1]
    for (const [text] of c.forms) assert.ok(text.includes(digits), `${country}: "${text}" holds ${digits}`)
  }
})
