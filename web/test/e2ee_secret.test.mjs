// DESIGN.md 4.1 and 4.12: which secrets are accepted, and what the verification code tells people.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidEncryptionSecretError,
  deriveSessionSecret,
  deriveVerificationCode,
  isValidEncryptionSecret,
  normalizeSecret,
} from '../dist/umbra-e2ee.js';

const rejects = (secret) =>
  assert.throws(() => normalizeSecret(secret), (e) => e instanceof InvalidEncryptionSecretError && e.name === 'InvalidEncryptionSecretError');

test('a secret of 8 to 256 code points is accepted and one outside is refused by name', () => {
  rejects('1234567');
  rejects('');
  rejects('x'.repeat(257));
  assert.equal(normalizeSecret('12345678').length, 8);
  assert.equal(normalizeSecret('x'.repeat(256)).length, 256);
});

test('length counts code points, not UTF-16 units or bytes', () => {
  // 8 emoji are 16 UTF-16 units and 32 bytes, and still 8 code points.
  assert.ok(isValidEncryptionSecret('🔒'.repeat(8)));
  assert.ok(!isValidEncryptionSecret('🔒'.repeat(7)));
  assert.ok(isValidEncryptionSecret('🔒'.repeat(256)));
  assert.ok(!isValidEncryptionSecret('🔒'.repeat(257)));
});

test('length is counted after NFC, so an NFD secret is judged like its NFC form', () => {
  const nfd = 'e\u0301'.repeat(8); // 16 code points in NFD, 8 in NFC
  assert.equal(nfd.normalize('NFC').length, 8);
  assert.ok(isValidEncryptionSecret(nfd));
  assert.ok(!isValidEncryptionSecret('e\u0301'.repeat(7)));
  assert.deepEqual(normalizeSecret(nfd), normalizeSecret('\u00e9'.repeat(8)));
});

test('non-strings and strings with lone surrogates are refused', () => {
  rejects(undefined);
  rejects(12345678);
  rejects('abcdefgh\uD800');
  rejects('\uDC00abcdefgh');
});

test('deriving a session secret from an invalid secret rejects with InvalidEncryptionSecretError', async () => {
  await assert.rejects(deriveSessionSecret('short', 's'), { name: 'InvalidEncryptionSecretError' });
});

test('verification codes are equal for one secret in one session and differ otherwise', async () => {
  const code = async (secret, session) => deriveVerificationCode((await deriveSessionSecret(secret, session)).secret);
  const a = await code('correct horse battery', 'session-1');
  assert.match(a, /^\d{5} \d{5} \d{5} \d{5}$/);
  assert.equal(await code('correct horse battery', 'session-1'), a);
  assert.notEqual(await code('correct horse battery!', 'session-1'), a);
  assert.notEqual(await code('correct horse battery', 'session-2'), a);
});
