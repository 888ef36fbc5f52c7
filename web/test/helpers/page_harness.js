// Loaded into every test page (as a module, after /sdk/umbra.js). `window.T` wraps one Session and
// records its events as plain objects, so Node-side tests can wait on them with page.waitForFunction.
import * as umbra from '/sdk/umbra.js';

const T = {
  umbra,
  session: null,
  events: [],
  publishers: [],
  subscribers: new Map(), // streamId → Subscriber
  autoSubscribe: false,
  subscribeErrors: [],

  record(name, fields = {}) {
    T.events.push({ ...fields, name, at: Date.now() });
  },

  has(name, pred = () => true) {
    return T.events.some((e) => e.name === name && pred(e));
  },

  init(sessionId, options = {}) {
    const s = umbra.initSession(sessionId, options);
    T.session = s;
    s.on('connectionCreated', (e) => T.record('connectionCreated', { connectionId: e.connection.connectionId, data: e.connection.data }));
    s.on('connectionDestroyed', (e) => T.record('connectionDestroyed', { connectionId: e.connection.connectionId, reason: e.reason }));
    s.on('streamCreated', (e) => {
      T.record('streamCreated', { streamId: e.stream.streamId, connectionId: e.stream.connection.connectionId, streamName: e.stream.name, videoType: e.stream.videoType, hasAudio: e.stream.hasAudio, hasVideo: e.stream.hasVideo });
      if (T.autoSubscribe) T.subscribe(e.stream.streamId).catch((err) => T.subscribeErrors.push(err.name + ': ' + err.message));
    });
    s.on('streamDestroyed', (e) => T.record('streamDestroyed', { streamId: e.stream.streamId, reason: e.reason }));
    s.on('streamPropertyChanged', (e) => T.record('streamPropertyChanged', { streamId: e.stream.streamId, property: e.changedProperty, oldValue: e.oldValue, newValue: e.newValue }));
    s.on('signal', (e) => T.record('signal', { type: e.type, data: e.data, from: e.from ? e.from.connectionId : null }));
    s.on('sessionDisconnected', (e) => T.record('sessionDisconnected', { reason: e.reason }));
    s.on('reconnecting', () => T.record('reconnecting'));
    s.on('reconnected', () => T.record('reconnected'));
    s.on('forceMuted', (e) => T.record('forceMuted', { streamId: e.stream.streamId }));
    const archiveFields = (a) => ({ archiveId: a.id, archiveName: a.name, status: a.status, reason: a.reason, error: a.error });
    s.on('archiveStarted', (e) => T.record('archiveStarted', archiveFields(e.archive)));
    s.on('archiveStopped', (e) => T.record('archiveStopped', archiveFields(e.archive)));
    return s;
  },

  async join(sessionId, token, options = {}) {
    const s = T.init(sessionId, options);
    await s.connect(token);
    return s.connection.connectionId;
  },

  async publish(options = {}) {
    const p = await T.session.publish(options);
    T.publishers.push(p);
    p.element.style.width = '160px';
    document.body.append(p.element);
    return p.stream.streamId;
  },

  async subscribe(streamId, options = {}) {
    const sub = await T.session.subscribe(streamId, options);
    T.subscribers.set(streamId, sub);
    sub.element.style.width = '160px';
    document.body.append(sub.element);
    return streamId;
  },

  async framesDecoded(streamId) {
    const sub = T.subscribers.get(streamId);
    if (!sub) return 0;
    const stats = await sub.getStats();
    return stats.video ? stats.video.frames : 0;
  },

  // What the first publisher has sent so far: { audio, video } packet counts (0 before media flows).
  async packetsSent() {
    const p = T.publishers[0];
    if (!p) return { audio: 0, video: 0 };
    const stats = await p.getStats();
    return { audio: stats.audio ? stats.audio.packets : 0, video: stats.video ? stats.video.packets : 0 };
  },

  async audioPacketsReceived(streamId) {
    const sub = T.subscribers.get(streamId);
    if (!sub) return 0;
    const stats = await sub.getStats();
    return stats.audio ? stats.audio.packets : 0;
  },

  // Runs fn and returns {ok, value} or {ok: false, name, message} so tests can assert on error.name.
  async attempt(fn) {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      return { ok: false, name: err && err.name, message: err && err.message, code: err && err.code };
    }
  },
};

// The tests reach WebSockets to drop them on purpose (a "network drop" without leave).
window.T = T;
window.dispatchEvent(new Event('umbra-test-ready'));
