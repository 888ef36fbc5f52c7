// umbra-e2ee-v1 and RFC 9605 suite-4 vectors against the bundled core, in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as core from '../dist/umbra-e2ee.js';
import { runE2eeVectorChecks, runSFrameVectorChecks } from './e2ee_vector_checks.mjs';

const vectors = new URL('../../tests/vectors/', import.meta.url);

function assertAllPass(results) {
  const failures = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
  assert.deepEqual(failures, []);
  assert.ok(results.length > 0);
}

test('every e2ee-v1 vector seals, opens and derives byte for byte', async () => {
  assertAllPass(await runE2eeVectorChecks(core, await readFile(new URL('e2ee-v1.json', vectors), 'utf8')));
});

test('every RFC 9605 header vector and cipher suite 4 vector passes', async () => {
  assertAllPass(await runSFrameVectorChecks(core, await readFile(new URL('sframe/test-vectors.json', vectors), 'utf8')));
});
