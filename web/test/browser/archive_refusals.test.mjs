// Issue 6's refusals, through the real REST API: the router cannot archive what it cannot read. An
// end-to-end encrypted session answers 409 e2ee_unsupported with a message that says why (the promise
// the E2EE issue made to users); a relayed session, whose media never reaches the router, answers 409
// routed_required; and archiveMode "always" with e2ee is refused when the session is created (400).
// No browser: these are answers, not media.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();

// The REST call's error: { status, code, message }; fails the test if the call succeeded.
async function refusal(promise) {
  try {
    const value = await promise;
    assert.fail(`expected a refusal, got ${JSON.stringify(value)}`);
  } catch (err) {
    if (err.status === undefined) throw err;
    return { status: err.status, code: err.body?.error?.code, message: err.body?.error?.message ?? '' };
  }
}

describe('archive refusals', { skip: skip ?? false }, () => {
  let server;

  before(async () => {
    server = await UmbraServer.start();
  });

  after(async () => {
    await server?.close();
  });

  test('an end-to-end encrypted session cannot be archived: 409 e2ee_unsupported, because the router cannot decode it', async () => {
    const { sessionId } = await server.createSession('routed', { e2ee: true });
    const r = await refusal(server.api('POST', '/v1/archives', { sessionId, name: 'secret meeting' }));
    assert.equal(r.status, 409);
    assert.equal(r.code, 'e2ee_unsupported');
    assert.match(r.message, /router cannot decode end-to-end encrypted media/);
    // Nothing was recorded, and the session says so before anyone tries.
    const listed = await server.api('GET', `/v1/archives?sessionId=${encodeURIComponent(sessionId)}`);
    assert.deepEqual(Array.isArray(listed) ? listed : (listed.items ?? listed.archives ?? []), []);
    const session = await server.api('GET', `/v1/sessions/${encodeURIComponent(sessionId)}`);
    assert.equal(session.capabilities.archiving.available, false);
    assert.equal(session.capabilities.archiving.code, 'e2ee_unsupported');
  });

  test('a relayed session cannot be archived: 409 routed_required', async () => {
    const { sessionId } = await server.createSession('relayed');
    const r = await refusal(server.api('POST', '/v1/archives', { sessionId }));
    assert.equal(r.status, 409);
    assert.equal(r.code, 'routed_required');
    assert.match(r.message, /routed/);
    const session = await server.api('GET', `/v1/sessions/${encodeURIComponent(sessionId)}`);
    assert.equal(session.capabilities.archiving.available, false);
    assert.equal(session.capabilities.archiving.code, 'routed_required');
  });

  test('archiveMode "always" with e2ee is refused when the session is created (400)', async () => {
    const r = await refusal(server.createSession('routed', { e2ee: true, archiveMode: 'always' }));
    assert.equal(r.status, 400);
    assert.equal(r.code, 'e2ee_unsupported');
    assert.match(r.message, /end-to-end encrypted/);
  });

  test('a routed session without e2ee offers archiving', async () => {
    const { sessionId } = await server.createSession('routed');
    const session = await server.api('GET', `/v1/sessions/${encodeURIComponent(sessionId)}`);
    assert.equal(session.capabilities.archiving.available, true, JSON.stringify(session.capabilities.archiving));
  });
});
