// Page-side helpers for the ICE restart tests. The SDK's peer connections are private: the page records
// every RTCPeerConnection it creates (demo.mjs trackPeerConnections, window.__pcs, in creation order).
// These read their ICE ufrags, record the Publisher's and Subscriber's reconnect events, and fake an ICE
// failure on one peer connection.

// The local and remote a=ice-ufrag of the page's latest peer connection (its current descriptions).
export function ufrags(page, index = -1) {
  return page.evaluate((i) => {
    const pc = window.__pcs.at(i);
    const ufrag = (d) => (d && /a=ice-ufrag:(\S+)/.exec(d.sdp)?.[1]) ?? null;
    return { local: ufrag(pc.currentLocalDescription), remote: ufrag(pc.currentRemoteDescription) };
  }, index);
}

// The local ufrag of the transport's selected candidate pair (RTCTransportStats.iceLocalUsernameFragment),
// or null when this Chromium does not report it: which ICE generation carries the media now.
export function selectedUfrag(page, index = -1) {
  return page.evaluate(async (i) => {
    const stats = await window.__pcs.at(i).getStats();
    for (const s of stats.values()) {
      if (s.type === 'transport' && typeof s.iceLocalUsernameFragment === 'string') return s.iceLocalUsernameFragment;
    }
    return null;
  }, index);
}

// Records reconnecting / reconnected / reconnectFailed of a Publisher (T.publishers[0]) or a Subscriber
// (T.subscribers.get(streamId)) into T.events, tagged with `who`.
export async function recordReconnects(page, who, streamId = null) {
  await page.evaluate(
    ([w, id]) => {
      const target = id === null ? window.T.publishers[0] : window.T.subscribers.get(id);
      target.on('reconnecting', (e) => window.T.record('reconnecting', { who: w, attempt: e.attempt, reason: e.reason }));
      target.on('reconnected', () => window.T.record('reconnected', { who: w }));
      target.on('reconnectFailed', (e) => window.T.record('reconnectFailed', { who: w, error: e.error.name }));
    },
    [who, streamId],
  );
}

// Makes the SDK see ICE "failed" on the page's latest peer connection: the instance's iceConnectionState
// answers "failed" once (the next read goes back to the browser's real state) and an
// iceconnectionstatechange event is dispatched. A real network break cannot be made on this machine:
// both browsers and the router share one loopback interface, a test may not change routes or firewall
// rules, and Chromium offers no switch to drop a candidate pair; waiting for consent to fail would also
// take 30 s and end the stream instead.
export async function fakeIceFailure(page, index = -1) {
  await page.evaluate((i) => {
    const pc = window.__pcs.at(i);
    const real = Object.getOwnPropertyDescriptor(window.RTCPeerConnection.prototype, 'iceConnectionState')
      ?? Object.getOwnPropertyDescriptor(Object.getPrototypeOf(window.RTCPeerConnection.prototype), 'iceConnectionState');
    let fake = true;
    Object.defineProperty(pc, 'iceConnectionState', {
      configurable: true,
      get() {
        if (!fake) return real.get.call(this);
        fake = false;
        return 'failed';
      },
    });
    pc.dispatchEvent(new Event('iceconnectionstatechange'));
  }, index);
}
