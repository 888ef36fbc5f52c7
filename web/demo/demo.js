// The Umbra demo: join a room by name, see everyone in a grid, talk, share a screen, chat.
// It uses only the public SDK served at /sdk/umbra.js and the demo endpoint of `umbra serve --dev`
// (POST /demo/rooms/{room}/join), which creates one session per room name and hands out tokens, and
// POST /demo/rooms/{room}/archives[/stop], which record the room (docs/archiving.md).
// End-to-end encrypted rooms: the secret is typed here, handed to the SDK and nowhere else (not to the
// demo endpoint, not to localStorage, not to the URL).
import { hasEndToEndEncryptionSupport, initSession, isValidEncryptionSecret } from '/sdk/umbra.js';

const $ = (id) => document.getElementById(id);

const ui = {
  joinView: $('join-view'),
  joinForm: $('join-form'),
  joinButton: $('join-button'),
  joinError: $('join-error'),
  roomInput: $('room-input'),
  nameInput: $('name-input'),
  startMuted: $('start-muted'),
  startCameraOff: $('start-camera-off'),
  callView: $('call-view'),
  roomName: $('room-name'),
  modeBadge: $('mode-badge'),
  peopleCount: $('people-count'),
  status: $('status'),
  stage: document.querySelector('.stage'),
  grid: $('grid'),
  chatLog: $('chat-log'),
  chatForm: $('chat-form'),
  chatInput: $('chat-input'),
  chatUnread: $('chat-unread'),
  mic: $('mic-button'),
  camera: $('camera-button'),
  screen: $('screen-button'),
  chat: $('chat-button'),
  record: $('record-button'),
  recBadge: $('rec-badge'),
  recName: $('rec-name'),
  recElapsed: $('rec-elapsed'),
  leave: $('leave-button'),
  republish: $('republish-button'),
  tileTemplate: $('tile-template'),
  e2eeToggle: $('e2ee-toggle'),
  e2eeToggleHint: $('e2ee-toggle-hint'),
  secretField: $('secret-field'),
  secretInput: $('secret-input'),
  secretReveal: $('secret-reveal'),
  secretMessage: $('secret-message'),
  e2eeCall: $('e2ee-call-slot'),
  verificationCode: $('verification-code'),
  changeSecret: $('change-secret-button'),
  secretPopover: $('secret-popover'),
  newSecretInput: $('new-secret-input'),
  newSecretMessage: $('new-secret-message'),
  newSecretCancel: $('new-secret-cancel'),
  e2eeBanner: $('e2ee-banner'),
  e2eeBannerText: $('e2ee-banner-text'),
};

// State of the one call this page is in.
const call = {
  session: null,
  room: '',
  displayName: '',
  camera: null, // Publisher
  screen: null, // Publisher
  tiles: new Map(), // key (streamId or 'self-camera'/'self-screen') → tile element
  // E2EE: streamId → 'encrypted' | 'cannot-decrypt', from the subscribers' encryptionSecretMismatch/Match.
  // A stream starts as 'encrypted': the SDK only ever hands decrypted frames to the decoder, so what plays
  // was encrypted end to end; 'cannot-decrypt' is what the subscriber reports when our secret fails.
  e2ee: new Map(),
  // Set when the demo endpoint said the room is end-to-end encrypted but no secret was entered.
  e2eeRoom: '',
  // Recording: a start/stop request is on its way; the timer that ticks the REC badge's clock.
  recordBusy: false,
  recordTimer: null,
  // False while connect() replays the room's state (a recording already running when we join).
  joined: false,
  // Routed rooms: what the camera was published with, to publish it again the same way when the router
  // loses its media path (streamDestroyed mediaFailed).
  cameraOptions: null,
  // The camera's automatic republish: losses in a row (reset once a republished stream stayed up), and
  // whether a republish is running.
  cameraRecovery: { losses: 0, upSince: 0, busy: false },
  // streamId → { losses, upSince, busy } for subscriptions whose media path the router lost.
  subscriptionRecovery: new Map(),
  // What happened to lost media paths, for the browser test and the console:
  // { kind: 'camera' | 'subscription', streamId, state: 'lost' | 'restored' | 'gaveUp' | 'gone' }.
  recoveryLog: [],
};

// Exposed for the browser test and for poking around in the console.
window.umbraDemo = call;

// ---------- helpers ----------

// Token data set by the demo endpoint: a JSON object with a display name, or the name itself.
function displayNameOf(connection) {
  if (!connection) return 'Server';
  const data = connection.data ?? '';
  try {
    const parsed = JSON.parse(data);
    if (parsed && typeof parsed === 'object') return String(parsed.displayName ?? parsed.name ?? 'Guest');
  } catch {
    /* plain string */
  }
  return data || 'Guest';
}

function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return (parts.length > 1 ? parts[0][0] + parts[1][0] : (parts[0] ?? '?').slice(0, 2)).toUpperCase();
}

function friendlyError(err) {
  switch (err?.name) {
    case 'MediaAccessDeniedError':
      return 'Camera or microphone access was denied. Allow it in the browser and try again.';
    case 'MediaDeviceNotFoundError':
      return 'No camera or microphone was found.';
    case 'ConnectionFailedError':
      return 'Could not reach the server. Is `umbra serve` running?';
    case 'InvalidTokenError':
    case 'TokenExpiredError':
      return 'The server refused the room token. Try joining again.';
    case 'RouterUnavailableError':
      return 'This room is routed, but the media router is not available on this server. Try a relayed room.';
    case 'PermissionDeniedError':
      return 'You are not allowed to do that in this room.';
    case 'EndToEndEncryptionNotSupportedError':
      return 'This room is end-to-end encrypted, but this browser cannot encrypt media. Try a recent Chrome, Edge, Firefox or Safari.';
    case 'InvalidEncryptionSecretError':
      return 'The encryption secret must be 8 to 256 characters long.';
    case 'EncryptionSecretRequiredError':
      return 'This room is end-to-end encrypted: enter its secret.';
    default:
      return err?.message ?? String(err);
  }
}

// ---------- the encryption secret (DESIGN.md 4.1) ----------

const MIN_SECRET = 8;
const MAX_SECRET = 256;

// The SDK's rule, for an inline message before anything is sent: 8-256 code points counted on the NFC
// form (so "é" typed as e + combining accent counts once, as it does when the secret is derived).
// Returns null when the secret is acceptable, else what to tell the person.
function secretProblem(secret) {
  const length = [...secret.normalize('NFC')].length;
  if (length === 0) return 'Enter the secret everyone in the call shares.';
  if (length < MIN_SECRET) {
    const more = MIN_SECRET - length;
    return `Too short: ${length} of at least ${MIN_SECRET} characters (${more} more).`;
  }
  if (length > MAX_SECRET) return `Too long: ${length} characters, at most ${MAX_SECRET}.`;
  if (!isValidEncryptionSecret(secret)) return 'The secret contains a character that cannot be encoded.';
  return null;
}

// Shows the verdict for a secret input under it. `quiet`: say nothing yet about an empty field.
function validateSecretInput(input, message, neutral, { quiet = false } = {}) {
  const problem = secretProblem(input.value);
  const show = problem !== null && !(quiet && input.value === '');
  input.toggleAttribute('aria-invalid', show);
  input.classList.toggle('invalid', show);
  input.classList.toggle('valid', problem === null);
  message.classList.toggle('invalid', show);
  message.classList.toggle('valid', problem === null);
  message.textContent = show ? problem : problem === null ? 'Looks good.' : neutral;
  return problem === null;
}

const kSecretHint = '8–256 characters. Share it outside Umbra, e.g. in person or by phone.';
const kNewSecretHint = 'Everyone must switch to the same secret within a couple of seconds.';

function renderE2eeJoin() {
  const routed = new FormData(ui.joinForm).get('mediaMode') === 'routed';
  const supported = hasEndToEndEncryptionSupport();
  const forced = call.e2eeRoom !== '' && call.e2eeRoom === ui.roomInput.value.trim();
  // An existing encrypted room is routed whatever the form says (the media mode only applies on creation).
  const usable = supported && (routed || forced);
  ui.e2eeToggle.disabled = !usable || forced;
  if (!usable) ui.e2eeToggle.checked = false;
  else if (forced) ui.e2eeToggle.checked = true;
  ui.e2eeToggleHint.textContent = !supported
    ? 'This browser cannot encrypt media end to end.'
    : forced
      ? 'This room is end-to-end encrypted: enter its secret to join.'
      : !routed
        ? 'Needs a routed room: choose Routed above.'
        : 'Only people who know the secret can see and hear the call — not even the server.';
  ui.secretField.hidden = !ui.e2eeToggle.checked;
}

// `error`: the red variant, for something the person may have to act on (see the Retry button).
function setStatus(text, { error = false } = {}) {
  ui.status.textContent = text ?? '';
  ui.status.hidden = !text;
  ui.status.classList.toggle('error', Boolean(text) && error);
}

function showJoinError(text) {
  ui.joinError.textContent = text;
  ui.joinError.hidden = !text;
}

// ---------- grid ----------

function layoutGrid() {
  const n = ui.grid.children.length + ui.grid.querySelectorAll('.tile.screen').length;
  const cols = n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4;
  ui.grid.style.setProperty('--cols', String(cols));
  const people = 1 + (call.session?.connections.length ?? 0);
  ui.peopleCount.textContent = `${people} ${people === 1 ? 'person' : 'people'}`;
}

function addTile(key, { name, element, self, screen, hasAudio, hasVideo }) {
  removeTile(key);
  const tile = ui.tileTemplate.content.firstElementChild.cloneNode(true);
  tile.dataset.key = key;
  tile.classList.toggle('self', Boolean(self));
  tile.classList.toggle('screen', Boolean(screen));
  tile.querySelector('.video-wrap').append(element);
  tile.querySelector('.name').textContent = self ? `${name} (you)` : name;
  tile.querySelector('.avatar').dataset.initials = initials(name);
  if (call.session?.isEndToEndEncrypted) tile.querySelector('.lock').hidden = false;
  const tag = tile.querySelector('.tag');
  if (screen) {
    tag.textContent = 'screen';
    tag.hidden = false;
  }
  call.tiles.set(key, tile);
  ui.grid.append(tile);
  updateTile(key, { hasAudio, hasVideo });
  renderTileE2ee(key);
  layoutGrid();
  return tile;
}

function updateTile(key, { hasAudio, hasVideo }) {
  const tile = call.tiles.get(key);
  if (!tile) return;
  if (hasAudio !== undefined) {
    tile.querySelector('.mic-off').toggleAttribute('hidden', hasAudio || tile.classList.contains('screen'));
  }
  if (hasVideo !== undefined) tile.classList.toggle('video-off', !hasVideo);
}

// Swaps the <video> of a tile in place (a new subscription or a republished camera): the tile keeps its
// place in the grid, its name, its E2EE lock.
function replaceTileVideo(key, element) {
  call.tiles.get(key)?.querySelector('.video-wrap').replaceChildren(element);
}

function removeTile(key) {
  const tile = call.tiles.get(key);
  if (!tile) return;
  tile.remove();
  call.tiles.delete(key);
  layoutGrid();
  if (call.e2ee.delete(key)) renderE2eeBanner();
}

// ---------- E2EE in the call ----------

// The lock on one tile. Own tiles are always 'encrypted' (the SDK seals before anything leaves).
function renderTileE2ee(key) {
  const tile = call.tiles.get(key);
  if (!tile || !call.session?.isEndToEndEncrypted) return;
  const state = call.e2ee.get(key) ?? 'encrypted';
  const failed = state === 'cannot-decrypt';
  tile.dataset.e2ee = state;
  tile.querySelector('.lock-text').textContent = failed ? 'cannot decrypt' : 'encrypted';
  tile.querySelector('.lock use').setAttribute('href', failed ? '#i-lock-open' : '#i-lock');
  tile.querySelector('.lock').title = failed
    ? 'This media cannot be decrypted with your secret'
    : 'Encrypted end to end: only people with the secret can see and hear it';
  const overlay = tile.querySelector('.undecryptable');
  overlay.hidden = !failed;
  if (failed) {
    const name = tile.querySelector('.name').textContent;
    overlay.querySelector('.undecryptable-title').textContent = `Cannot decrypt ${name}`;
  }
}

function setE2eeState(stream, state) {
  call.e2ee.set(stream.streamId, state);
  renderTileE2ee(stream.streamId);
  renderE2eeBanner();
}

// Names everyone whose media our secret cannot open (as far as our subscribers know: we only learn about
// the streams we receive).
function renderE2eeBanner() {
  const names = [];
  for (const [streamId, state] of call.e2ee) {
    if (state !== 'cannot-decrypt') continue;
    const stream = call.session?.getStream(streamId);
    const name = stream ? displayNameOf(stream.connection) : 'someone';
    if (!names.includes(name)) names.push(name);
  }
  ui.e2eeBanner.hidden = names.length === 0;
  if (names.length === 0) return;
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  ui.e2eeBannerText.textContent =
    `Cannot decrypt media from ${list}: a different secret? Compare verification codes and agree on one.`;
}

function renderVerificationCode() {
  ui.verificationCode.textContent = call.session?.getVerificationCode() ?? '—';
}

function openSecretPopover(open) {
  ui.secretPopover.hidden = !open;
  ui.changeSecret.setAttribute('aria-expanded', String(open));
  if (open) {
    ui.newSecretInput.value = '';
    validateSecretInput(ui.newSecretInput, ui.newSecretMessage, kNewSecretHint, { quiet: true });
    ui.newSecretInput.focus();
  }
}

async function changeSecret(event) {
  event.preventDefault();
  if (!validateSecretInput(ui.newSecretInput, ui.newSecretMessage, kNewSecretHint)) {
    ui.newSecretInput.focus();
    return;
  }
  const apply = ui.secretPopover.querySelector('button[type="submit"]');
  apply.disabled = true;
  try {
    await call.session.setEncryptionSecret(ui.newSecretInput.value);
    renderVerificationCode();
    openSecretPopover(false);
    addChat({ system: true, text: `You changed the secret. Your code is now ${ui.verificationCode.textContent}` });
  } catch (err) {
    ui.newSecretMessage.textContent = friendlyError(err);
    ui.newSecretMessage.classList.add('invalid');
  } finally {
    apply.disabled = false;
  }
}

// ---------- recording (archives) ----------

// Why this room cannot be recorded, or '' when it can. The session's `archiving` capability says it
// (docs/rest-api.md): an end-to-end encrypted room cannot be recorded because the router cannot decode
// its media; a relayed room's media never reaches the router at all.
function recordingUnavailableReason() {
  const cap = call.session?.info?.capabilities?.archiving;
  if (cap === null || typeof cap !== 'object' || cap.available !== false) return '';
  return String(cap.reason || cap.message || cap.code || 'recording is not available in this room');
}

function formatElapsed(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function renderRecordingClock() {
  const archive = call.session?.archive ?? null;
  // createdAt is the server's clock; a client clock that runs ahead or behind only shifts the display.
  ui.recElapsed.textContent = archive ? formatElapsed(Date.now() - archive.createdAt) : '0:00';
}

// The REC badge (every tab of the session shows it while an archive runs) and the Record button.
function renderRecording() {
  const archive = call.session?.archive ?? null;
  const recording = archive !== null;
  ui.recBadge.hidden = !recording;
  ui.recName.textContent = archive?.name ?? '';
  ui.recBadge.title = recording ? `This room is being recorded${archive.name ? ` (“${archive.name}”)` : ''}` : '';
  renderRecordingClock();
  if (recording && call.recordTimer === null) call.recordTimer = setInterval(renderRecordingClock, 1000);
  if (!recording && call.recordTimer !== null) {
    clearInterval(call.recordTimer);
    call.recordTimer = null;
  }

  const unavailable = recordingUnavailableReason();
  ui.record.classList.toggle('recording', recording);
  ui.record.setAttribute('aria-pressed', String(recording));
  ui.record.querySelector('use').setAttribute('href', recording ? '#i-rec-stop' : '#i-rec');
  ui.record.querySelector('.label').textContent = call.recordBusy
    ? recording
      ? 'Stopping…'
      : 'Starting…'
    : recording
      ? 'Stop recording'
      : 'Record';
  ui.record.disabled = call.recordBusy;
  // Unavailable stays clickable (aria-disabled, not disabled): a click says why instead of nothing.
  ui.record.setAttribute('aria-disabled', String(unavailable !== '' && !recording));
  ui.record.title =
    unavailable !== '' && !recording
      ? `Recording is not available: ${unavailable}`
      : recording
        ? 'Stop recording'
        : 'Record this room';
}

let statusTimer = null;
function flashStatus(text, ms = 6000) {
  setStatus(text);
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    if (ui.status.textContent === text) setStatus('');
  }, ms);
}

async function toggleRecording() {
  const session = call.session;
  if (!session || call.recordBusy) return;
  const stopping = session.archive !== null;
  const unavailable = recordingUnavailableReason();
  if (!stopping && unavailable !== '') {
    flashStatus(`Recording is not available: ${unavailable}`);
    return;
  }
  call.recordBusy = true;
  renderRecording();
  // The indicator follows the session's events (every tab gets them); wait for ours before re-enabling.
  const changed = new Promise((resolve) => session.once(stopping ? 'archiveStopped' : 'archiveStarted', resolve));
  try {
    const room = encodeURIComponent(call.room);
    const res = await fetch(`/demo/rooms/${room}/archives${stopping ? '/stop' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stopping ? {} : { name: call.room }),
    });
    let body = null;
    try {
      body = JSON.parse(await res.text());
    } catch {
      /* not JSON */
    }
    if (!res.ok) throw new Error(body?.error?.message ?? `the server answered ${res.status}`);
    await Promise.race([changed, new Promise((r) => setTimeout(r, 5000))]);
  } catch (err) {
    flashStatus(`${stopping ? 'Could not stop the recording' : 'Could not start recording'}: ${friendlyError(err)}`, 10_000);
  } finally {
    call.recordBusy = false;
    renderRecording();
  }
}

const kStopReasons = {
  requested: '',
  last_stream_left: ' (everyone stopped publishing)',
  session_ended: ' (the room ended)',
  storage_failed: ' (the server could not write it)',
  interrupted: ' (the server restarted)',
};

function onArchiveStarted() {
  addChat({ system: true, text: call.joined ? 'Recording started' : 'This room is being recorded' });
  renderRecording();
}

function onArchiveStopped({ archive }) {
  if (archive.status === 'failed') {
    const why = archive.error ?? 'the server could not record this room';
    addChat({ system: true, text: `Recording failed: ${why}` });
    flashStatus(`Recording failed: ${why}`, 10_000);
  } else {
    addChat({ system: true, text: `Recording stopped${kStopReasons[archive.reason] ?? ''}` });
  }
  renderRecording();
}

// ---------- chat ----------

function addChat({ who, text, mine, system }) {
  const li = document.createElement('li');
  if (system) {
    li.className = 'system';
    li.textContent = text;
  } else {
    li.className = mine ? 'mine' : '';
    const head = document.createElement('span');
    head.className = 'who';
    head.textContent = mine ? 'You' : who;
    const time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    head.append(time);
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    li.append(head, body);
  }
  ui.chatLog.append(li);
  ui.chatLog.scrollTop = ui.chatLog.scrollHeight;
  if (!system && !mine && ui.stage.classList.contains('chat-hidden')) ui.chatUnread.hidden = false;
}

// ---------- controls ----------

function renderControls() {
  const cam = call.camera;
  const micOn = Boolean(cam?.isPublishingAudio);
  const camOn = Boolean(cam?.isPublishingVideo);
  ui.mic.classList.toggle('off', !micOn);
  ui.mic.setAttribute('aria-pressed', String(micOn));
  ui.mic.querySelector('.label').textContent = micOn ? 'Mute' : 'Unmute';
  ui.mic.querySelector('use').setAttribute('href', micOn ? '#i-mic' : '#i-mic-off');
  ui.mic.disabled = !cam?.hasAudioTrack;
  ui.camera.classList.toggle('off', !camOn);
  ui.camera.setAttribute('aria-pressed', String(camOn));
  ui.camera.querySelector('.label').textContent = camOn ? 'Stop video' : 'Start video';
  ui.camera.querySelector('use').setAttribute('href', camOn ? '#i-cam' : '#i-cam-off');
  ui.camera.disabled = !cam?.hasVideoTrack;
  const sharing = Boolean(call.screen);
  ui.screen.classList.toggle('active', sharing);
  ui.screen.setAttribute('aria-pressed', String(sharing));
  ui.screen.querySelector('.label').textContent = sharing ? 'Stop sharing' : 'Share screen';
  ui.screen.disabled = !navigator.mediaDevices?.getDisplayMedia || call.session?.connection?.role === 'subscriber';
  // While the camera is being republished its tile keeps the last state (not a mute nobody chose).
  if (cam) updateTile('self-camera', { hasAudio: micOn, hasVideo: camOn });
}

async function toggleMic() {
  if (!call.camera) return;
  await call.camera.publishAudio(!call.camera.isPublishingAudio).catch((e) => setStatus(friendlyError(e)));
  renderControls();
}

async function toggleCamera() {
  if (!call.camera) return;
  await call.camera.publishVideo(!call.camera.isPublishingVideo).catch((e) => setStatus(friendlyError(e)));
  renderControls();
}

async function toggleScreen() {
  if (call.screen) {
    const p = call.screen;
    call.screen = null;
    removeTile('self-screen');
    await call.session.unpublish(p).catch(() => {});
    renderControls();
    return;
  }
  try {
    const p = await call.session.publish({ name: `${call.displayName}'s screen`, videoSource: 'screen' });
    call.screen = p;
    addTile('self-screen', { name: call.displayName, element: p.element, self: true, screen: true, hasVideo: true });
    // The browser's own "Stop sharing" button ends the stream too.
    p.on('streamDestroyed', ({ reason }) => {
      // A screen share is not republished on its own: the browser asks the person to pick a screen again.
      if (call.screen === p && reason === 'mediaFailed') {
        addChat({ system: true, text: 'Your screen share was lost: share it again to continue' });
      }
      if (call.screen === p) call.screen = null;
      removeTile('self-screen');
      renderControls();
    });
  } catch (err) {
    if (err.name !== 'MediaAccessDeniedError') setStatus(friendlyError(err));
  }
  renderControls();
}

// ---------- lost media paths (routed rooms: mediaFailed) ----------

// The router closes a transport on its own when the browser's media path dies (ICE consent expired,
// DTLS failed or closed; docs/protocol.md 3.5/3.6). The server then destroys our own stream (Publisher
// streamDestroyed with reason mediaFailed) or ends one subscription while the stream lives on (Subscriber
// destroyed with a MediaConnectionLostError). The demo comes back on its own, a bounded number of times
// with growing pauses, then says so and offers Retry: a path that keeps dying must not loop forever.
const kMaxAttempts = 3;
const kBackoffMs = [500, 2000, 5000]; // before attempts 1, 2 and 3
// A republished stream or a new subscription that stays up this long counts as recovered: a later loss
// starts a fresh round instead of continuing the count.
const kStableMs = 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function logRecovery(kind, streamId, state) {
  call.recoveryLog.push({ kind, streamId, state, at: Date.now() });
}

// Counts a loss: the first of a round unless the previous recovery did not last.
function countLoss(recovery) {
  recovery.losses = Date.now() - recovery.upSince > kStableMs ? 1 : recovery.losses + 1;
  return recovery.losses;
}

// The overlay on one tile: 'reconnecting' (spinner), 'failed' (what happened and Retry) or null (none).
function renderReconnecting(key, state, { title = '', detail = '', onRetry = null } = {}) {
  const tile = call.tiles.get(key);
  if (!tile) return;
  const overlay = tile.querySelector('.reconnecting');
  overlay.hidden = state === null;
  overlay.classList.toggle('failed', state === 'failed');
  const retry = overlay.querySelector('.reconnect-retry');
  retry.hidden = state !== 'failed' || onRetry === null;
  retry.onclick = onRetry;
  if (state === null) return;
  overlay.querySelector('.reconnecting-title').textContent = title;
  overlay.querySelector('.reconnecting-detail').textContent = detail;
}

// What the camera was published with: the name, the devices actually opened (so a republish uses the
// same camera and microphone, not whatever is the default by then). Mute states are read at the loss.
function rememberCameraOptions(publisher, name) {
  const deviceOf = (track) => track?.getSettings?.().deviceId || undefined;
  call.cameraOptions = {
    name,
    audioDeviceId: deviceOf(publisher.mediaStream.getAudioTracks()[0]),
    videoDeviceId: deviceOf(publisher.mediaStream.getVideoTracks()[0]),
  };
}

// Publishes the camera and shows it in the own tile (in place when the tile is there already). In an
// end-to-end encrypted room the session seals it with the room's current secret, as the first time.
async function publishCamera(options) {
  const publisher = await call.session.publish(options);
  call.camera = publisher;
  rememberCameraOptions(publisher, options.name);
  publisher.on('streamDestroyed', ({ reason }) => onCameraDestroyed(publisher, reason));
  const shown = { hasAudio: publisher.isPublishingAudio, hasVideo: publisher.isPublishingVideo };
  if (call.tiles.has('self-camera')) {
    replaceTileVideo('self-camera', publisher.element);
    renderReconnecting('self-camera', null);
    updateTile('self-camera', shown);
  } else {
    addTile('self-camera', { name: call.displayName, element: publisher.element, self: true, ...shown });
  }
  return publisher;
}

function onCameraDestroyed(publisher, reason) {
  // Ours to handle only if this is still the camera (not unpublished by us, not replaced) and the router
  // lost it; other reasons (the session ended, a moderator) have their own handling.
  if (call.camera !== publisher || reason !== 'mediaFailed') return;
  call.camera = null;
  renderControls();
  const settings = {
    ...call.cameraOptions,
    publishAudio: publisher.isPublishingAudio,
    publishVideo: publisher.isPublishingVideo,
  };
  logRecovery('camera', publisher.stream?.streamId ?? null, 'lost');
  addChat({ system: true, text: 'Your camera stream was lost — republishing…' });
  if (countLoss(call.cameraRecovery) > kMaxAttempts) {
    cameraGaveUp(settings, null);
    return;
  }
  republishCamera(settings);
}

async function republishCamera(settings) {
  const session = call.session;
  const recovery = call.cameraRecovery;
  if (!session || recovery.busy) return;
  recovery.busy = true;
  ui.republish.hidden = true;
  setStatus('Your camera stream was lost — republishing…');
  renderReconnecting('self-camera', 'reconnecting', {
    title: 'Reconnecting your camera…',
    detail: 'The video connection was lost.',
  });
  let options = settings;
  let lastError = null;
  try {
    for (let attempt = 0; attempt < kMaxAttempts; attempt++) {
      await sleep(kBackoffMs[attempt]);
      // Left the room meanwhile, or the camera is back some other way.
      if (call.session !== session || call.camera) return;
      try {
        const publisher = await publishCamera(options);
        recovery.upSince = Date.now();
        setStatus('');
        addChat({ system: true, text: 'Your camera is back' });
        logRecovery('camera', publisher.stream?.streamId ?? null, 'restored');
        renderControls();
        return;
      } catch (err) {
        lastError = err;
        if (call.session !== session) return;
        // The device is gone (unplugged): the default one is better than nothing.
        if (err?.name === 'MediaDeviceNotFoundError') {
          options = { ...options, audioDeviceId: undefined, videoDeviceId: undefined };
        }
        // Asking again will not change these answers.
        if (err?.name === 'MediaAccessDeniedError' || err?.name === 'PermissionDeniedError') break;
      }
    }
    cameraGaveUp(settings, lastError);
  } finally {
    recovery.busy = false;
  }
}

function cameraGaveUp(settings, err) {
  const why = err ? friendlyError(err) : 'it was lost again each time it came back';
  const retry = () => {
    call.cameraRecovery.losses = 0;
    republishCamera(settings);
  };
  setStatus(`Your camera is not shared: ${why}`, { error: true });
  ui.republish.hidden = false;
  ui.republish.onclick = retry;
  renderReconnecting('self-camera', 'failed', { title: 'Your camera is not shared', detail: why, onRetry: retry });
  addChat({ system: true, text: `Your camera could not be republished: ${why}` });
  logRecovery('camera', null, 'gaveUp');
}

function subscriptionRecovery(streamId) {
  let recovery = call.subscriptionRecovery.get(streamId);
  if (!recovery) {
    recovery = { losses: 0, upSince: Date.now(), busy: false };
    call.subscriptionRecovery.set(streamId, recovery);
  }
  return recovery;
}

function tileNameOf(stream) {
  const person = displayNameOf(stream.connection);
  return stream.videoType === 'screen' ? person : stream.name || person;
}

// A subscription's media path died while the stream lives on: subscribe again behind an overlay.
function watchSubscription(stream, subscriber) {
  subscriber.on('destroyed', ({ error }) => {
    if (error?.name !== 'MediaConnectionLostError' || !call.tiles.has(stream.streamId)) return;
    logRecovery('subscription', stream.streamId, 'lost');
    if (countLoss(subscriptionRecovery(stream.streamId)) > kMaxAttempts) {
      subscriptionGaveUp(stream, null);
      return;
    }
    resubscribe(stream);
  });
}

async function resubscribe(stream) {
  const id = stream.streamId;
  const session = call.session;
  const recovery = subscriptionRecovery(id);
  if (!session || recovery.busy) return;
  recovery.busy = true;
  renderReconnecting(id, 'reconnecting', {
    title: `Reconnecting to ${tileNameOf(stream)}…`,
    detail: 'The video connection was lost.',
  });
  let lastError = null;
  try {
    for (let attempt = 0; attempt < kMaxAttempts; attempt++) {
      await sleep(kBackoffMs[attempt]);
      // Left the room, or the tile went with its stream (streamDestroyed).
      if (call.session !== session || !call.tiles.has(id)) return;
      const live = session.getStream(id);
      if (!live) {
        removeTile(id);
        logRecovery('subscription', id, 'gone');
        return;
      }
      try {
        const subscriber = await session.subscribe(live);
        if (call.session !== session || !call.tiles.has(id)) {
          await session.unsubscribe(subscriber).catch(() => {});
          return;
        }
        replaceTileVideo(id, subscriber.element);
        watchSubscription(live, subscriber);
        recovery.upSince = Date.now();
        renderReconnecting(id, null);
        updateTile(id, { hasAudio: live.hasAudio, hasVideo: live.hasVideo });
        logRecovery('subscription', id, 'restored');
        return;
      } catch (err) {
        lastError = err;
      }
    }
    subscriptionGaveUp(stream, lastError);
  } finally {
    recovery.busy = false;
  }
}

function subscriptionGaveUp(stream, err) {
  const id = stream.streamId;
  const name = tileNameOf(stream);
  const why = err ? friendlyError(err) : 'the connection kept dropping';
  renderReconnecting(id, 'failed', {
    title: `Cannot show ${name}`,
    detail: why,
    onRetry: () => {
      subscriptionRecovery(id).losses = 0;
      resubscribe(stream);
    },
  });
  addChat({ system: true, text: `Could not reconnect to ${name}: ${why}` });
  logRecovery('subscription', id, 'gaveUp');
}

// ---------- joining and leaving ----------

// `e2ee` only matters when the join creates the room; the answer says what the room really is.
async function requestRoom(room, displayName, mediaMode, e2ee) {
  const res = await fetch(`/demo/rooms/${encodeURIComponent(room)}/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName, name: displayName, mediaMode, e2ee }),
  });
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const message = body?.error?.message ?? `the server answered ${res.status}`;
    throw new Error(res.status === 404 ? 'The demo endpoint is off: start the server with --dev or --demo.' : message);
  }
  const sessionId = body?.sessionId ?? body?.session?.sessionId;
  if (!body?.token || !sessionId) throw new Error('the demo endpoint returned no token');
  return {
    token: body.token,
    sessionId,
    mediaMode: body.mediaMode ?? body.session?.mediaMode ?? mediaMode,
    e2ee: (body.e2ee ?? body.session?.e2ee) === true,
  };
}

function wireSession(session) {
  session.on('streamCreated', ({ stream }) => subscribeTo(stream));
  session.on('streamDestroyed', ({ stream, reason }) => {
    call.subscriptionRecovery.delete(stream.streamId);
    removeTile(stream.streamId);
    // Routed: the router lost that person's media path; their demo publishes again on its own.
    if (reason === 'mediaFailed') addChat({ system: true, text: `${tileNameOf(stream)}'s video connection was lost` });
  });
  session.on('streamPropertyChanged', ({ stream }) =>
    updateTile(stream.streamId, { hasAudio: stream.hasAudio, hasVideo: stream.hasVideo }),
  );
  session.on('connectionCreated', ({ connection }) => {
    addChat({ system: true, text: `${displayNameOf(connection)} joined` });
    layoutGrid();
  });
  session.on('connectionDestroyed', ({ connection, reason }) => {
    const why = reason === 'networkDisconnected' ? ' (connection lost)' : reason === 'forceDisconnected' ? ' (removed)' : '';
    addChat({ system: true, text: `${displayNameOf(connection)} left${why}` });
    layoutGrid();
  });
  session.on('signal:chat', ({ data, from }) => {
    addChat({ who: displayNameOf(from), text: data, mine: from?.connectionId === session.connection?.connectionId });
  });
  session.on('forceMuted', () => {
    setStatus('A moderator muted your microphone.');
    renderControls();
    setTimeout(() => setStatus(''), 4000);
  });
  session.on('encryptionSecretMismatch', ({ stream }) => setE2eeState(stream, 'cannot-decrypt'));
  session.on('encryptionSecretMatch', ({ stream }) => setE2eeState(stream, 'encrypted'));
  session.on('archiveStarted', onArchiveStarted);
  session.on('archiveStopped', onArchiveStopped);
  session.on('reconnecting', () => setStatus('Connection lost — reconnecting…'));
  session.on('reconnected', () => setStatus(''));
  session.on('sessionDisconnected', ({ reason }) => {
    if (reason !== 'clientDisconnected') {
      const text =
        reason === 'forceDisconnected' ? 'You were removed from the room.' : 'The connection to the room was lost.';
      showJoinError(text);
    }
    resetToJoin();
  });
}

async function subscribeTo(stream) {
  try {
    const sub = await call.session.subscribe(stream);
    addTile(stream.streamId, {
      name: tileNameOf(stream),
      element: sub.element,
      screen: stream.videoType === 'screen',
      hasAudio: stream.hasAudio,
      hasVideo: stream.hasVideo,
    });
    watchSubscription(stream, sub);
  } catch (err) {
    addChat({ system: true, text: `Could not show ${displayNameOf(stream.connection)}: ${friendlyError(err)}` });
  }
}

async function join(event) {
  event.preventDefault();
  showJoinError('');
  const room = ui.roomInput.value.trim();
  const displayName = ui.nameInput.value.trim();
  const mediaMode = new FormData(ui.joinForm).get('mediaMode');
  if (!room || !displayName) return;
  const wantsE2ee = ui.e2eeToggle.checked;
  if (wantsE2ee && !validateSecretInput(ui.secretInput, ui.secretMessage, kSecretHint)) {
    ui.secretInput.focus();
    return;
  }
  ui.joinButton.disabled = true;
  ui.joinButton.textContent = 'Joining…';
  try {
    localStorage.setItem('umbra-demo-name', displayName);
    const joined = await requestRoom(room, displayName, mediaMode, wantsE2ee);
    const { token, sessionId, mediaMode: actualMode } = joined;
    if (joined.e2ee && !wantsE2ee) {
      // An existing encrypted room: ask for its secret, then the person joins again.
      call.e2eeRoom = room;
      renderE2eeJoin();
      validateSecretInput(ui.secretInput, ui.secretMessage, kSecretHint, { quiet: true });
      showJoinError(`“${room}” is end-to-end encrypted. Enter its secret to join.`);
      ui.secretInput.focus();
      return;
    }
    if (!joined.e2ee && wantsE2ee) {
      showJoinError(`“${room}” already exists without end-to-end encryption. Pick another room name to create an encrypted room.`);
      return;
    }
    const session = initSession(sessionId, joined.e2ee ? { encryptionSecret: ui.secretInput.value } : {});
    call.session = session;
    call.room = room;
    call.displayName = displayName;
    call.joined = false;
    wireSession(session);
    await session.connect(token);
    call.joined = true;

    ui.roomName.textContent = room;
    ui.modeBadge.textContent = session.mediaMode ?? actualMode;
    ui.modeBadge.title =
      session.mediaMode === 'relayed' ? 'Media goes directly between browsers' : 'Media goes through the Umbra router';
    ui.e2eeCall.hidden = !session.isEndToEndEncrypted;
    renderVerificationCode();
    renderRecording();
    history.replaceState(null, '', `/?room=${encodeURIComponent(room)}`);
    ui.joinView.hidden = true;
    ui.callView.hidden = false;
    addChat({ system: true, text: `You joined ${room}` });
    layoutGrid();

    if (session.connection.role !== 'subscriber') {
      try {
        call.cameraRecovery = { losses: 0, upSince: Date.now(), busy: false };
        await publishCamera({
          name: displayName,
          publishAudio: !ui.startMuted.checked,
          publishVideo: !ui.startCameraOff.checked,
        });
      } catch (err) {
        addChat({ system: true, text: `Your camera is not shared: ${friendlyError(err)}` });
        setStatus(err.name === 'RouterUnavailableError' ? 'Media router unavailable — chat only' : 'Camera not shared');
      }
    }
    renderControls();
  } catch (err) {
    showJoinError(friendlyError(err));
    if (call.session) await call.session.disconnect().catch(() => {});
    call.session = null;
  } finally {
    ui.joinButton.disabled = false;
    ui.joinButton.textContent = 'Join room';
  }
}

function resetToJoin() {
  for (const key of [...call.tiles.keys()]) removeTile(key);
  call.e2ee.clear();
  renderE2eeBanner();
  openSecretPopover(false);
  ui.e2eeCall.hidden = true;
  ui.chatLog.replaceChildren();
  call.session = null;
  call.camera = null;
  call.screen = null;
  call.cameraOptions = null;
  call.subscriptionRecovery.clear();
  ui.republish.hidden = true;
  call.recordBusy = false;
  renderRecording();
  setStatus('');
  ui.callView.hidden = true;
  ui.joinView.hidden = false;
}

async function leave() {
  const session = call.session;
  if (session) await session.disconnect().catch(() => {});
  resetToJoin();
}

// ---------- start ----------

ui.joinForm.addEventListener('submit', join);
ui.joinForm.addEventListener('change', (event) => {
  if (event.target.name === 'mediaMode' || event.target === ui.e2eeToggle) {
    renderE2eeJoin();
    if (ui.e2eeToggle.checked && event.target === ui.e2eeToggle) ui.secretInput.focus();
  }
});
ui.roomInput.addEventListener('input', () => {
  // Another room name: forget that the previous one asked for a secret.
  if (call.e2eeRoom !== '' && call.e2eeRoom !== ui.roomInput.value.trim()) {
    call.e2eeRoom = '';
    showJoinError('');
  }
  renderE2eeJoin();
});
ui.secretInput.addEventListener('input', () => validateSecretInput(ui.secretInput, ui.secretMessage, kSecretHint));
ui.secretReveal.addEventListener('click', () => {
  const show = ui.secretInput.type === 'password';
  ui.secretInput.type = show ? 'text' : 'password';
  ui.secretReveal.textContent = show ? 'Hide' : 'Show';
  ui.secretReveal.setAttribute('aria-pressed', String(show));
});
ui.changeSecret.addEventListener('click', () => openSecretPopover(ui.secretPopover.hidden));
ui.newSecretCancel.addEventListener('click', () => openSecretPopover(false));
ui.newSecretInput.addEventListener('input', () =>
  validateSecretInput(ui.newSecretInput, ui.newSecretMessage, kNewSecretHint),
);
ui.secretPopover.addEventListener('submit', changeSecret);
ui.secretPopover.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') openSecretPopover(false);
});
ui.mic.addEventListener('click', toggleMic);
ui.camera.addEventListener('click', toggleCamera);
ui.screen.addEventListener('click', toggleScreen);
ui.leave.addEventListener('click', leave);
ui.record.addEventListener('click', toggleRecording);
ui.chat.addEventListener('click', () => {
  const hidden = ui.stage.classList.toggle('chat-hidden');
  ui.chat.setAttribute('aria-pressed', String(!hidden));
  if (!hidden) {
    ui.chatUnread.hidden = true;
    ui.chatInput.focus();
  }
});
ui.chatForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = ui.chatInput.value.trim();
  if (!text || !call.session) return;
  ui.chatInput.value = '';
  await call.session.signal({ type: 'chat', data: text }).catch((err) => {
    addChat({ system: true, text: `Not sent: ${friendlyError(err)}` });
  });
});
document.addEventListener('keydown', (event) => {
  if (ui.callView.hidden || event.target instanceof HTMLInputElement) return;
  if (event.key === 'm') toggleMic();
  if (event.key === 'v') toggleCamera();
});
window.addEventListener('pagehide', () => call.session?.disconnect());

const params = new URLSearchParams(location.search);
ui.roomInput.value = params.get('room') ?? '';
ui.nameInput.value = localStorage.getItem('umbra-demo-name') ?? '';
renderE2eeJoin();
(ui.roomInput.value ? ui.nameInput : ui.roomInput).focus();
