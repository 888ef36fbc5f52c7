// The Umbra demo: join a room by name, see everyone in a grid, talk, share a screen, chat.
// It uses only the public SDK served at /sdk/umbra.js and the demo endpoint of `umbra serve --dev`
// (POST /demo/rooms/{room}/join), which creates one session per room name and hands out tokens.
import { initSession } from '/sdk/umbra.js';

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
  leave: $('leave-button'),
  tileTemplate: $('tile-template'),
};

// State of the one call this page is in.
const call = {
  session: null,
  room: '',
  displayName: '',
  camera: null, // Publisher
  screen: null, // Publisher
  tiles: new Map(), // key (streamId or 'self-camera'/'self-screen') → tile element
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
    default:
      return err?.message ?? String(err);
  }
}

function setStatus(text) {
  ui.status.textContent = text ?? '';
  ui.status.hidden = !text;
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
  const tag = tile.querySelector('.tag');
  if (screen) {
    tag.textContent = 'screen';
    tag.hidden = false;
  }
  call.tiles.set(key, tile);
  ui.grid.append(tile);
  updateTile(key, { hasAudio, hasVideo });
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

function removeTile(key) {
  const tile = call.tiles.get(key);
  if (!tile) return;
  tile.remove();
  call.tiles.delete(key);
  layoutGrid();
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
  updateTile('self-camera', { hasAudio: micOn, hasVideo: camOn });
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
    p.on('streamDestroyed', () => {
      if (call.screen === p) call.screen = null;
      removeTile('self-screen');
      renderControls();
    });
  } catch (err) {
    if (err.name !== 'MediaAccessDeniedError') setStatus(friendlyError(err));
  }
  renderControls();
}

// ---------- joining and leaving ----------

async function requestRoom(room, displayName, mediaMode) {
  const res = await fetch(`/demo/rooms/${encodeURIComponent(room)}/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName, name: displayName, mediaMode }),
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
  return { token: body.token, sessionId, mediaMode: body.mediaMode ?? body.session?.mediaMode ?? mediaMode };
}

function wireSession(session) {
  session.on('streamCreated', ({ stream }) => subscribeTo(stream));
  session.on('streamDestroyed', ({ stream }) => removeTile(stream.streamId));
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
    const name = stream.name || displayNameOf(stream.connection);
    addTile(stream.streamId, {
      name: stream.videoType === 'screen' ? displayNameOf(stream.connection) : name,
      element: sub.element,
      screen: stream.videoType === 'screen',
      hasAudio: stream.hasAudio,
      hasVideo: stream.hasVideo,
    });
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
  ui.joinButton.disabled = true;
  ui.joinButton.textContent = 'Joining…';
  try {
    localStorage.setItem('umbra-demo-name', displayName);
    const { token, sessionId, mediaMode: actualMode } = await requestRoom(room, displayName, mediaMode);
    const session = initSession(sessionId);
    call.session = session;
    call.room = room;
    call.displayName = displayName;
    wireSession(session);
    await session.connect(token);

    ui.roomName.textContent = room;
    ui.modeBadge.textContent = session.mediaMode ?? actualMode;
    ui.modeBadge.title =
      session.mediaMode === 'relayed' ? 'Media goes directly between browsers' : 'Media goes through the Umbra router';
    history.replaceState(null, '', `/?room=${encodeURIComponent(room)}`);
    ui.joinView.hidden = true;
    ui.callView.hidden = false;
    addChat({ system: true, text: `You joined ${room}` });
    layoutGrid();

    if (session.connection.role !== 'subscriber') {
      try {
        call.camera = await session.publish({
          name: displayName,
          publishAudio: !ui.startMuted.checked,
          publishVideo: !ui.startCameraOff.checked,
        });
        addTile('self-camera', {
          name: displayName,
          element: call.camera.element,
          self: true,
          hasAudio: call.camera.isPublishingAudio,
          hasVideo: call.camera.isPublishingVideo,
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
  ui.chatLog.replaceChildren();
  call.session = null;
  call.camera = null;
  call.screen = null;
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
ui.mic.addEventListener('click', toggleMic);
ui.camera.addEventListener('click', toggleCamera);
ui.screen.addEventListener('click', toggleScreen);
ui.leave.addEventListener('click', leave);
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
(ui.roomInput.value ? ui.nameInput : ui.roomInput).focus();
