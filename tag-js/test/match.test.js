// Unit tests of the match keys (node --test): the normalisation of Google's enhanced conversions, on the cases the
// edge's MatchKeys must agree with (test/match-keys.json, read by MatchKeysContractTests too), and the hash.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { normaliseEmail, normalisePhone, sha256 } from '../src/match.js'

const cases = JSON.parse(readFileSync(new URL('./match-keys.json', import.meta.url)))

test('emails are normalised as the edge does (lower case, trimmed, gmail dots dropped)', () => {
  for (const [input, expected] of cases.email) assert.equal(normaliseEmail(input), expected, input)
})

test('phone numbers become E.164 with the site country for national forms', () => {
  for (const [input, cc, , expected] of cases.phone) assert.equal(normalisePhone(input, cc), expected, input)
})

test('too few digits is no phone number', () => {
  assert.equal(normalisePhone('12-34', '1'), '')
  assert.equal(normalisePhone('', '44'), '')
})

test('sha256 is the hex SHA-256 of the UTF-8 text (WebCrypto, as in the browser)', async () => {
  for (const text of ['johndoe@gmail.com', '+14155550132', 'zoë@example.com'])
    assert.equal(await sha256(text), createHash('sha256').update(text, 'utf8').digest('hex'))
})
