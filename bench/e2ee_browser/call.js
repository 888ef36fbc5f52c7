// Loaded into the benchmark page by bench/e2ee_browser_bench.mjs (a classic script): one two-party
// call in the page, A <-> B over a loopback RTCPeerConnection pair, each side sending its own fake
// camera (720p) and microphone as VP8 + Opus and receiving the other's -- with umbra-e2ee-v1
// (dist/umbra-e2ee-worker.js attached with RTCRtpScriptTransform on all eight senders and receivers)
// or without, everything else identical.
window.e2eeCallBench = (() => {
  const kSecret = 'benchmark secret words';
  const codecOf = { video: 'vp8', audio: 'opus' };
  let call = null;

  async function start({ e2ee, width, height, fps, maxBitrate, degradationPreference }) {
    const sdk = await import('/dist/umbra-sdk.js');
    const camera = () =>
      navigator.mediaDevices.getUserMedia({
        video: { width: { exact: width }, height: { exact: height }, frameRate: { exact: fps } },
        audio: true,
      });
    const streams = { a: await camera(), b: await camera() };
    let controllers = null;
    if (e2ee) {
      const make = () => new sdk.E2eeController('e2ee-browser-bench', { workerUrl: '/dist/umbra-e2ee-worker.js', encodedTransform: 'script-transform' });
      controllers = { a: make(), b: make() };
      await Promise.all([controllers.a.setEncryptionSecret(kSecret), controllers.b.setEncryptionSecret(kSecret)]);
    }
    const pcs = {
      a: new RTCPeerConnection(controllers?.a.rtcConfiguration ?? {}),
      b: new RTCPeerConnection(controllers?.b.rtcConfiguration ?? {}),
    };
    pcs.a.onicecandidate = (e) => e.candidate && pcs.b.addIceCandidate(e.candidate);
    pcs.b.onicecandidate = (e) => e.candidate && pcs.a.addIceCandidate(e.candidate);

    // Same codecs in both runs (the E2EE set: VP8 + RTX, Opus), transforms attached before negotiation.
    const wire = (side, peer, tr, kind) => {
      tr.setCodecPreferences(sdk.e2eeCodecPreferences(kind));
      if (controllers === null) return;
      controllers[side].attachSender(tr.sender, { codec: codecOf[kind], streamId: side });
      controllers[side].attachReceiver(tr.receiver, { codec: codecOf[kind], streamId: peer });
    };
    for (const track of streams.a.getTracks()) {
      wire('a', 'b', pcs.a.addTransceiver(track, { direction: 'sendrecv', streams: [streams.a] }), track.kind);
    }
    // B's transceivers come from A's offer. Their transforms are attached in `track`, during
    // setRemoteDescription: Chromium 156 short-circuits a sender or receiver that has none by the time
    // setRemoteDescription resolves, and a transform set later never sees a frame (measured: B then
    // sent and decoded plaintext).
    pcs.b.ontrack = (e) => wire('b', 'a', e.transceiver, e.track.kind);
    await pcs.a.setLocalDescription();
    await pcs.b.setRemoteDescription(pcs.a.localDescription);
    for (const tr of pcs.b.getTransceivers()) {
      const kind = tr.receiver.track.kind;
      await tr.sender.replaceTrack(streams.b.getTracks().find((t) => t.kind === kind));
      tr.sender.setStreams(streams.b);
      tr.direction = 'sendrecv';
    }
    await pcs.b.setLocalDescription();
    await pcs.a.setRemoteDescription(pcs.b.localDescription);

    // Both runs at the same bitrate cap and adaptation policy, so the encoders do the same work.
    const applied = [];
    for (const pc of [pcs.a, pcs.b]) {
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind !== 'video') continue;
        const p = sender.getParameters();
        p.encodings[0].maxBitrate = maxBitrate;
        p.degradationPreference = degradationPreference;
        try {
          await sender.setParameters(p);
        } catch {
          delete p.degradationPreference;
          await sender.setParameters(p);
        }
        applied.push(sender.getParameters().degradationPreference ?? null);
      }
    }
    call = { pcs, streams, controllers };
    return { settings: streams.a.getVideoTracks()[0].getSettings(), degradationPreference: applied };
  }

  async function side(pc) {
    const s = { video: {}, audio: {} };
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'outbound-rtp' && r.kind === 'video') {
        Object.assign(s.video, {
          framesEncoded: r.framesEncoded,
          encodeWidth: r.frameWidth,
          encodeHeight: r.frameHeight,
          totalEncodeTime: r.totalEncodeTime,
          bytesSent: r.bytesSent,
          qualityLimitationReason: r.qualityLimitationReason,
          qualityLimitationDurations: r.qualityLimitationDurations,
        });
      } else if (r.type === 'inbound-rtp' && r.kind === 'video') {
        Object.assign(s.video, {
          framesDecoded: r.framesDecoded ?? 0,
          framesDropped: r.framesDropped ?? 0,
          keyFramesDecoded: r.keyFramesDecoded ?? 0,
          decodeWidth: r.frameWidth,
          decodeHeight: r.frameHeight,
          totalDecodeTime: r.totalDecodeTime,
        });
      } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        s.audio.packetsSent = r.packetsSent;
      } else if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        s.audio.packetsReceived = r.packetsReceived; // no sink plays the audio, so no samples are counted
      }
    });
    return s;
  }

  async function stats() {
    const { pcs, controllers } = call;
    return {
      a: await side(pcs.a),
      b: await side(pcs.b),
      transforms: controllers === null ? null : { a: await controllers.a.getStats(), b: await controllers.b.getStats() },
    };
  }

  async function decodedBoth() {
    if (call === null) return 0;
    const [a, b] = [await side(call.pcs.a), await side(call.pcs.b)];
    return Math.min(a.video.framesDecoded ?? 0, b.video.framesDecoded ?? 0);
  }

  function stop() {
    if (call === null) return;
    for (const pc of Object.values(call.pcs)) pc.close();
    for (const s of Object.values(call.streams)) for (const t of s.getTracks()) t.stop();
    for (const c of Object.values(call.controllers ?? {})) c.close();
    call = null;
  }

  return { start, stats, decodedBoth, stop };
})();
