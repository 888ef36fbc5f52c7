// The vector checks shared by the Node tests and the in-browser test: the same code runs against
// dist/umbra-e2ee.js in both places. Each check returns { name, ok, detail }; nothing here asserts,
// so the caller reports every failure rather than the first.

// JSON.parse would round 64-bit integers (KIDs, CTRs) to doubles: quote them first, then BigInt them.
export function parseVectors(text) {
  const quoted = text.replace(/("(?:kid|ctr|sender)"\s*:\s*)(\d+)/g, '$1"$2"');
  return JSON.parse(quoted, (key, value) =>
    (key === 'kid' || key === 'ctr' || key === 'sender') && typeof value === 'string' ? BigInt(value) : value,
  );
}

function makeReporter() {
  const results = [];
  const check = (name, actual, expected) => {
    const ok = actual === expected;
    results.push({ name, ok, detail: ok ? '' : `got ${String(actual)}, want ${String(expected)}` });
  };
  return { results, check };
}

export async function runE2eeVectorChecks(core, vectorText) {
  const v = parseVectors(vectorText);
  const { results, check } = makeReporter();
  const hex = core.bytesToHex;

  for (const [i, c] of v.cases.entries()) {
    const name = `e2ee-v1 case ${i} (${c.codec}, ctr ${c.ctr})`;
    const s = await core.deriveSessionSecret(c.secret, c.session_id);
    check(`${name}: session secret`, hex(s.secret), c.session_secret);
    check(`${name}: key check`, s.keyCheck, c.key_check);
    check(`${name}: verification code`, await core.deriveVerificationCode(s.secret), c.verification_code);
    const kid = core.makeKid(s.keyCheck, c.sender);
    check(`${name}: kid`, kid, c.kid);
    check(`${name}: key check of kid`, core.keyCheckOfKid(kid), c.key_check);
    const base = await core.deriveBaseKey(s.secret, kid);
    check(`${name}: base key`, hex(base), c.base_key);
    const frame = core.hexToBytes(c.frame);
    check(`${name}: clear prefix length`, core.clearPrefixLength(c.codec, frame), c.clear_len);
    const key = await core.deriveSFrameKey(base, kid);
    const sealed = await core.sealFrame(key, c.ctr, c.codec, frame);
    check(`${name}: sealed wire`, sealed.ok ? hex(sealed.value) : sealed.error, c.wire);

    // Receiving side: a ring holding only S opens the wire frame back to the encoded frame.
    const ring = new core.KeyRing({ switchDelayMs: 0 });
    ring.setSecret(s);
    const wire = core.hexToBytes(c.wire);
    const opened = await ring.open(c.codec, wire);
    check(`${name}: opens to the frame`, opened.ok ? hex(opened.value.frame) : opened.error, c.frame);
    check(`${name}: opened kid`, opened.ok ? opened.value.kid : undefined, c.kid);
    const again = await ring.open(c.codec, wire);
    check(`${name}: second copy is a replay`, again.ok ? 'opened' : again.error, 'replay');

    // Every byte is covered: the clear prefix through the AAD, the rest by the AEAD.
    for (const pos of new Set([0, c.clear_len, wire.length - 1])) {
      const tampered = wire.slice();
      tampered[pos] ^= pos === c.clear_len ? 0x01 : 0x80;
      const fresh = new core.KeyRing({ switchDelayMs: 0 });
      fresh.setSecret(s);
      const r = await fresh.open(c.codec, tampered);
      check(`${name}: byte ${pos} flipped is refused`, r.ok, false);
    }
  }

  // A secret typed in NFD (decomposed) derives the same S as its NFC form.
  const target = v.cases[v.nfc.same_session_secret_as_case_index];
  check('nfc: the vector secret really is NFD', v.nfc.secret_nfd !== target.secret && v.nfc.secret_nfd.normalize('NFC') === target.secret, true);
  const nfd = await core.deriveSessionSecret(v.nfc.secret_nfd, target.session_id);
  check('nfc: NFD secret gives the same session secret', hex(nfd.secret), target.session_secret);

  // Malformed VP8 frames are refused by the sealer and by a ring; nothing is produced.
  const c0 = v.cases[0];
  const s0 = await core.deriveSessionSecret(c0.secret, c0.session_id);
  const k0 = await core.deriveSFrameKey(await core.deriveBaseKey(s0.secret, c0.kid), c0.kid);
  for (const m of v.malformed_vp8_frames) {
    const r = await core.sealFrame(k0, 0n, 'vp8', core.hexToBytes(m));
    check(`malformed VP8 ${m}: sealFrame refuses`, r.ok ? 'sealed' : r.error, 'malformedFrame');
    const ring = new core.KeyRing();
    ring.setSecret(s0);
    const rr = await ring.seal('t', 'vp8', core.hexToBytes(m));
    check(`malformed VP8 ${m}: KeyRing.seal refuses`, rr.ok ? 'sealed' : rr.error, 'malformedFrame');
  }
  return results;
}

// RFC 9605 vectors: every header case and every cipher suite 4 (AES_128_GCM_SHA256_128) case.
export async function runSFrameVectorChecks(core, vectorText) {
  const v = parseVectors(vectorText);
  const { results, check } = makeReporter();
  const hex = core.bytesToHex;

  for (const h of v.header) {
    const name = `header kid ${h.kid} ctr ${h.ctr}`;
    check(`${name}: encodes`, hex(core.encodeHeader(h.kid, h.ctr)), h.encoded);
    const bytes = core.hexToBytes(h.encoded);
    const d = core.decodeHeader(bytes);
    check(`${name}: decodes`, d && `${d.kid}/${d.ctr}/${d.size}`, `${h.kid}/${h.ctr}/${bytes.length}`);
    if (bytes.length > 1) check(`${name}: truncated is refused`, core.decodeHeader(bytes.subarray(0, bytes.length - 1)), null);
  }

  const suite4 = v.sframe.filter((c) => c.cipher_suite === core.CIPHER_SUITE_AES_128_GCM_SHA256_128);
  check('sframe: suite 4 cases present', suite4.length > 0, true);
  for (const c of suite4) {
    const name = `sframe suite 4 kid ${c.kid} ctr ${c.ctr}`;
    const base = core.hexToBytes(c.base_key);
    check(`${name}: key label`, hex(core.sframeKeyLabel(c.kid)), c.sframe_key_label);
    check(`${name}: salt label`, hex(core.sframeSaltLabel(c.kid)), c.sframe_salt_label);
    // HKDF-Extract with an empty salt is HMAC keyed with HashLen zero bytes (RFC 5869 section 2.2).
    const zeros = await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    check(`${name}: sframe secret`, hex(new Uint8Array(await crypto.subtle.sign('HMAC', zeros, base))), c.sframe_secret);
    const material = await core.deriveSFrameKeyMaterial(base, c.kid);
    check(`${name}: sframe key`, hex(material.key), c.sframe_key);
    check(`${name}: sframe salt`, hex(material.salt), c.sframe_salt);
    check(`${name}: nonce`, hex(core.formNonce(material.salt, c.ctr)), c.nonce);
    const metadata = core.hexToBytes(c.metadata);
    const header = core.encodeHeader(c.kid, c.ctr);
    check(`${name}: aad`, hex(core.concatBytes(header, metadata)), c.aad);
    const key = await core.importSFrameKey(material, c.kid);
    const ct = await core.sframeSeal(key, c.ctr, metadata, core.hexToBytes(c.pt));
    check(`${name}: ciphertext`, hex(ct), c.ct);
    const wire = core.hexToBytes(c.ct);
    const parsed = core.decodeHeader(wire);
    const pt = await core.sframeOpen(key, parsed, wire.subarray(0, parsed.size), metadata, wire.slice(parsed.size));
    check(`${name}: opens`, pt && hex(pt), c.pt);
    const wrongMetadata = await core.sframeOpen(key, parsed, wire.subarray(0, parsed.size), new Uint8Array(0), wire.slice(parsed.size));
    check(`${name}: other metadata is refused`, wrongMetadata, null);
  }
  return results;
}
