// The Karedge dashboard: reads the node's REST API and /metrics; twins stream live from /api/v1/twins?watch=true.
import { addLive, loadHistory, setUnit, unitOf } from './history.js';
import { refreshPodUsage, refreshRates, setUpRates } from './rates.js';
import { format } from './charts.js';

const $ = (sel) => document.querySelector(sel);
const devices = new Map();     // id -> twin document as served by /api/v1/twins
const readOnly = new Map();    // id -> properties the device's model lets nobody write (from /api/v1/drivers)
const reasons = new Map();     // id -> why the device is not online, e.g. "communication error: connection refused …"
let drainStart = null;         // Uplink depth when a drain was first seen
let nodeMode = null;           // 'standalone' or 'cloud', from /api/v1/status

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ''));
  return node;
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) { const error = new Error(`${path}: ${response.status}`); error.status = response.status; throw error; }
  return response.json();
}

function facts(target, entries) {
  target.replaceChildren(...entries.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v ?? '–'))]));
}

function valueOf(side) {
  if (side === undefined || side === null) return undefined;
  return typeof side === 'object' && 'value' in side ? side.value : JSON.stringify(side);
}

// --- node status and bundles

async function refreshStatus() {
  try {
    const s = await getJson('/api/v1/status');
    $('#node-name').textContent = s.nodeName;
    nodeMode = s.mode;
    const health = $('#health');
    health.textContent = s.healthy ? 'healthy' : 'unhealthy';
    health.className = 'badge ' + (s.healthy ? 'ok' : 'bad');
    facts($('#node'), [['mode', s.mode], ['started', s.startedAt], ['store version', s.resourceVersion],
      ['data', `${(s.dataBytes / 1048576).toFixed(1)} MiB in ${s.dataDirectory}`],
      ['objects', Object.entries(s.objectCounts || {}).map(([k, v]) => `${k} ${v}`).join(', ')]]);
    const bad = s.bundles.filter((b) => !b.healthy);
    $('#bundles-summary').textContent = `${s.bundles.length} bundles, ${bad.length} unhealthy`;
    $('#bundles tbody').replaceChildren(...s.bundles.map((b) => el('tr', {},
      el('td', { class: 'id' }, b.symbolicName), el('td', { class: 'id' }, b.version), el('td', { class: b.healthy ? '' : 'bad' }, b.state),
      el('td', { class: 'id' }, (b.unsatisfiedComponents || []).join(', ')))));
  } catch (e) {
    $('#health').textContent = 'unreachable'; $('#health').className = 'badge bad';
  }
}

// --- devices and twins

function cardId(id) { return 'dev-' + id.replace(/[^A-Za-z0-9_-]/g, '-'); }

// A device's card is built once and then updated in place, so a form being filled in is never replaced.
function renderDevice(id, changed = []) {
  const twin = devices.get(id);
  const [ns, name] = id.includes('/') ? id.split('/') : ['default', id];
  let card = document.getElementById(cardId(id));
  if (!card) {
    card = el('div', { class: 'card', id: cardId(id), 'data-device': id },
      el('h3', {}, el('span', {}, name, el('small', { class: 'muted' }, ns === 'default' ? '' : ` (${ns})`)),
        el('span', { class: 'state' }), el('small', { class: 'reason muted' })));
    $('#devices').append(card);
    card.dataset.historyLoading = 'true';
  }
  const state = card.querySelector('.state');
  state.textContent = twin.state || 'unknown';
  state.className = 'state ' + String(twin.state || 'unknown').toLowerCase();
  const reason = card.querySelector('.reason');
  reason.textContent = reasons.get(id) || '';
  reason.title = reasons.get(id) || '';
  for (const [prop, rec] of Object.entries(twin.twins || {}).sort(([a], [b]) => a.localeCompare(b))) {
    let row = [...card.querySelectorAll('.prop')].find((r) => r.dataset.prop === prop);
    if (!row) row = card.appendChild(propertyRow(id, prop));
    const expected = valueOf(rec.expected);
    row.dataset.version = rec.version;
    row.querySelector('[data-role="actual"]').textContent = valueOf(rec.actual) ?? '–';
    row.querySelector('[data-role="unit"]').textContent = unitOf(id, prop);
    row.querySelector('[data-role="expected"]').textContent = expected ?? '–';
    row.querySelector('[data-role="version"]').textContent = rec.version;
    const locked = readOnly.get(id)?.has(prop) ?? false;
    row.querySelector('form').hidden = locked;
    row.querySelector('[data-role="read-only"]').hidden = !locked;
    if (changed.includes(prop)) { row.classList.remove('flash'); void row.offsetWidth; row.classList.add('flash'); }
  }
  // the history is asked for once the property rows exist (and again after the stream reconnects)
  if (card.dataset.historyLoading === 'true') {
    card.dataset.historyLoading = 'false';
    loadHistory(id).catch(() => {});
  }
}

// The version sent with a desired value is the one shown when the operator started typing: if the twin
// changes meanwhile, the node answers 409 and the page says so.
function propertyRow(id, prop) {
  const row = el('div', { class: 'prop', 'data-prop': prop });
  const input = el('input', { name: 'value', 'aria-label': `desired ${prop}`, placeholder: 'desired value', autocomplete: 'off',
    onfocus: () => { if (row.dataset.editVersion === undefined) row.dataset.editVersion = row.dataset.version; } });
  const form = el('form', { 'data-prop': prop, onsubmit: (ev) => {
    ev.preventDefault();
    const version = Number(row.dataset.editVersion ?? row.dataset.version);
    delete row.dataset.editVersion;
    setDesired(id, prop, input.value, version);
  } }, input, el('button', { type: 'submit' }, 'set'));
  const locked = el('span', { class: 'muted', 'data-role': 'read-only', title: 'the DeviceModel makes this property ReadOnly' },
    'read-only');
  locked.hidden = true;
  row.append(el('span', { class: 'name' }, prop), el('span', { class: 'actual' }, el('span', { 'data-role': 'actual' }), ' ', el('span', { class: 'unit', 'data-role': 'unit' })),
    el('span', { class: 'meta' }, 'desired ', el('span', { 'data-role': 'expected' }), ' · v', el('span', { 'data-role': 'version' })),
    el('div', { class: 'prop-chart', 'data-role': 'chart' }), form, locked);
  return row;
}

async function loadTwins() {
  const body = await getJson('/api/v1/twins');
  const ids = Object.keys(body.devices || {}).sort();
  for (const id of [...devices.keys()]) {
    if (!ids.includes(id)) { devices.delete(id); document.getElementById(cardId(id))?.remove(); }
  }
  $('#devices .empty')?.remove();
  for (const id of ids) {
    devices.set(id, body.devices[id]);
    const card = document.getElementById(cardId(id));
    if (card) card.dataset.historyLoading = 'true';
    renderDevice(id);
  }
  if (!devices.size) $('#devices').append(el('p', { class: 'muted empty' }, 'no devices on this node'));
}

function applyChange(change) {
  if (change.type !== 'CHANGE') return;
  const twin = devices.get(change.deviceId) || { deviceId: change.deviceId, twins: {} };
  if (change.state) twin.state = change.state;
  twin.twins = { ...(twin.twins || {}), ...(change.twins || {}) };
  devices.set(change.deviceId, twin);
  renderDevice(change.deviceId, Object.keys(change.twins || {}));
  for (const [prop, rec] of Object.entries(change.twins || {})) {
    if (rec.metadata?.type === 'deleted') continue;
    const at = Date.parse(rec.updatedAt);
    addLive(change.deviceId, prop, valueOf(rec.actual) ?? null, valueOf(rec.expected) ?? null, Number.isNaN(at) ? Date.now() : at);
  }
}

async function watchTwins() {
  for (;;) {
    try {
      await loadTwins();
      const response = await fetch('/api/v1/twins?watch=true&timeoutSeconds=600');
      if (!response.ok) throw new Error('watch ' + response.status);
      $('#live').textContent = 'live'; $('#live').className = 'badge ok';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) applyChange(JSON.parse(line));
        }
      }
    } catch (e) {
      $('#live').textContent = 'live: reconnecting'; $('#live').className = 'badge warn';
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function setDesired(id, prop, value, version) {
  const message = $('#twin-message');
  const [ns, name] = id.split('/');
  const response = await fetch(`/api/v1/namespaces/${encodeURIComponent(ns)}/devices/${encodeURIComponent(name)}/twin`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ desired: { [prop]: value }, expectedVersions: { [prop]: version } }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    const row = [...document.querySelectorAll(`#${cardId(id)} .prop`)].find((r) => r.dataset.prop === prop);
    if (row) row.querySelector('input').value = '';
    message.className = 'message ok';
    message.textContent = `${name}.${prop} set to ${value} (version ${body.versions?.[prop]})`;
  } else if (response.status === 409) {
    message.className = 'message error';
    message.textContent = `conflict: ${name}.${prop} was changed by someone else (now version ${body.details?.currentVersions?.[prop] ?? '?'}); the page shows the new value, set it again if you still want ${value}`;
    loadTwins().catch(() => {});
  } else {
    message.className = 'message error';
    message.textContent = `${name}.${prop}: ${body.message || response.status}`;
  }
}

// --- drivers, cloud, pods, mesh

async function refreshDrivers() {
  try {
    const body = await getJson('/api/v1/drivers');
    for (const d of body.devices) readOnly.set(d.id, new Set(d.readOnly || []));
    for (const d of body.devices) reasons.set(d.id, d.detail && d.detail !== 'none' ? d.reasonText : '');
    await loadUnits(body.devices);
    for (const id of devices.keys()) renderDevice(id);
    $('#drivers tbody').replaceChildren(...body.drivers.map((d) => el('tr', {},
      el('td', {}, d.protocol + (d.active ? '' : ' (standby)')), el('td', { class: 'id' }, d.bundle),
      el('td', { class: 'id' }, d.version), el('td', { class: 'num' }, d.devices),
      el('td', { class: 'num', title: d.lastError || '' }, d.errors))));
  } catch (e) {
    $('#drivers tbody').replaceChildren(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'device manager not running')));
  }
}

// The unit of each property, from its device's DeviceModel (spec.properties[].unit).
async function loadUnits(deviceInfos) {
  try {
    const models = new Map();
    for (const m of (await getJson('/api/v1/devicemodels')).items || []) {
      const units = new Map((m.spec?.properties || []).map((p) => [p.name, p.unit]));
      models.set(`${m.metadata.namespace}/${m.metadata.name}`, units);
      models.set(m.metadata.name, units);
    }
    for (const d of deviceInfos) {
      const ns = d.id.split('/')[0];
      const units = models.get(d.model?.includes('/') ? d.model : `${ns}/${d.model}`) || models.get(d.model);
      for (const [prop, unit] of units || []) setUnit(d.id, prop, unit);
    }
  } catch (e) { /* no units shown */ }
}

async function refreshCloud() {
  try {
    const c = await getJson('/api/v1/cloud');
    facts($('#cloud'), Object.entries(c).filter(([, v]) => typeof v !== 'object' || v === null));
  } catch (e) {
    facts($('#cloud'), [['state', e.status === 404 ? 'standalone (no cloud bridge)' : 'unavailable']]);
  }
}

async function showLog(ns, name) {
  const pre = $('#pod-log');
  pre.hidden = false;
  try {
    const response = await fetch(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/log?limitBytes=65536`);
    pre.textContent = `${ns}/${name}\n` + await response.text();
  } catch (e) { pre.textContent = String(e); }
}

async function refreshPods() {
  try {
    const body = await getJson('/api/v1/pods/status');
    const usage = body.items.length ? await refreshPodUsage() : null;
    const rows = body.items.map((p) => {
      const u = usage?.get(`${p.metadata.namespace}/${p.metadata.name}`) || {};
      return el('tr', {},
        el('td', { class: 'id' }, el('button', { class: 'link', onclick: () => showLog(p.metadata.namespace, p.metadata.name) }, `${p.metadata.namespace}/${p.metadata.name}`)),
        el('td', {}, p.summary.ready), el('td', {}, p.summary.status), el('td', { class: 'num' }, p.summary.restarts),
        el('td', { class: 'num' }, u.cores === undefined ? '–' : `${format(u.cores)} cores`),
        el('td', { class: 'num' }, u.memoryMiB === undefined ? '–' : `${format(u.memoryMiB)} MiB`));
    });
    $('#pods tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'no pods'))]));
  } catch (e) {
    $('#pods tbody').replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'pods are off (feature karedge-pods)')));
  }
}

async function refreshMesh() {
  try {
    const body = await getJson('/api/v1/mesh/services');
    const rows = body.services.map((s) => el('tr', {}, el('td', { class: 'id' }, `${s.namespace}/${s.name}`), el('td', {}, s.address),
      el('td', {}, s.ports.map((p) => `${p.port}: ${p.endpoints.filter((e) => e.healthy).length}/${p.endpoints.length} healthy`).join(', '))));
    $('#mesh tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'no services'))]));
  } catch (e) {
    $('#mesh tbody').replaceChildren(el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'mesh proxy not running')));
  }
}

// The tunnel's peer nodes (/api/v1/mesh/peers): how new streams reach each (direct, relay:<node>, none), the
// keepalive round trip, open streams and bytes of the direct connection, and whether it is up (else why not).
function bytes(n) {
  if (n === undefined || n === null) return '–';
  if (n >= 1048576) return `${format(n / 1048576)} MiB`;
  if (n >= 1024) return `${format(n / 1024)} KiB`;
  return `${n} B`;
}

async function refreshPeers() {
  const empty = (text) => [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, text))];
  try {
    const body = await getJson('/api/v1/mesh/peers');
    const rows = body.peers.map((p) => el('tr', { 'data-peer': p.node },
      el('td', { class: 'id' }, p.node), el('td', { class: 'id' }, p.path),
      el('td', { class: 'num' }, p.rttMicros === undefined ? '–' : `${format(p.rttMicros / 1000)} ms`),
      el('td', { class: 'num' }, p.streams),
      el('td', { class: 'num' }, `${bytes(p.bytesIn)} / ${bytes(p.bytesOut)}`),
      el('td', { class: p.connected ? '' : 'bad', title: p.error || '' }, p.connected ? 'connected' : p.error ? 'down' : 'connecting')));
    $('#peers tbody').replaceChildren(...(rows.length ? rows : empty('no peers (tunnel off, or no other node needed yet)')));
  } catch (e) {
    $('#peers tbody').replaceChildren(...empty(e.status === 404 ? 'mesh proxy not running' : 'unavailable'));
  }
}

// --- rates and the Uplink drain

async function refreshMetrics() {
  const sums = await refreshRates();
  if (sums) showDrain(sums.get('karedge_uplink_depth'), sums.get('karedge_cloud_link_state{state="connected"}') === 1);
}

// Long work: the tasks of the node's progress tracker (/api/v1/progress: feature deployments, joins, driver
// swaps, the Uplink draining after a reconnect), and the Uplink depth from /metrics while no drain task runs.
const work = { uplink: null, tasks: [] };
let drainTaskRunning = false;

function showDrain(depth, cloudConnected) {
  if (!depth) {
    drainStart = null; work.uplink = null;
  } else if (nodeMode === 'standalone') {
    // a node that never joined keeps only the latest twin and state report of each of its devices (each
    // replaces the one before), so that a later edge:join starts the cloud from the edge's values
    drainStart = null;
    work.uplink = el('p', { class: 'muted', title: 'one entry per device property and device state, replaced by the next; '
      + 'uploads of local MQTT apps are bounded by the store setting uplink.max.entries' },
      `Uplink: ${depth} latest report${depth === 1 ? '' : 's'} kept for a future cloud join (standalone node)`);
  } else if (!cloudConnected) {
    drainStart = null; work.uplink = el('p', {}, `Uplink: ${depth} waiting for the cloud link`);
  } else {
    drainStart = Math.max(drainStart || 0, depth);
    const done = drainStart - depth;
    work.uplink = el('div', {}, `Uplink draining: ${depth} waiting` + (done > 0 ? `, ${done} of ${drainStart} sent` : ''),
      el('progress', { max: drainStart, value: done }));
  }
  renderWork();
}

function duration(seconds) {
  if (seconds === undefined || seconds === null) return '';
  const s = Math.round(seconds);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 120 ? `${m}m${s % 60 ? (s % 60) + 's' : ''}` : `${Math.floor(m / 60)}h${m % 60 ? (m % 60) + 'm' : ''}`;
}

function describeTask(t) {
  const count = t.total ? `${t.done}/${t.total} ${t.unit}` : (t.done ? `${t.done} ${t.unit}` : '');
  const figures = [count, t.percent !== undefined ? `${t.percent.toFixed(0)} %` : '',
    t.ratePerSecond !== undefined ? `${t.ratePerSecond.toFixed(1)}/s` : '',
    t.etaSeconds !== undefined ? `ETA ${duration(t.etaSeconds)}` : `${duration(t.elapsedSeconds)} so far`]
    .filter(Boolean).join(', ');
  return `${t.kind}: ${t.title}` + (t.phase ? ` — ${t.phase}` : '') + (figures ? ` (${figures})` : '');
}

function renderTask(t) {
  if (t.state === 'RUNNING') {
    const bar = t.total ? el('progress', { max: t.total, value: t.done }) : el('progress', {});
    return el('div', { class: 'task', 'data-kind': t.kind, id: `task-${t.id}` }, describeTask(t), bar);
  }
  const outcome = t.state === 'FAILED' ? `failed: ${t.message}` : (t.message || 'done');
  return el('p', { class: 'muted task' + (t.state === 'FAILED' ? ' bad' : ''), 'data-kind': t.kind, id: `task-${t.id}` },
    `${t.kind}: ${t.title} — ${outcome} (${duration(t.elapsedSeconds)}, ${t.finishedAt})`);
}

let progressPoll = null;
async function refreshProgress() {
  try {
    const body = await getJson('/api/v1/progress');
    const tasks = body.tasks || [];
    const running = tasks.filter((t) => t.state === 'RUNNING');
    // the running ones and the last three finished
    work.tasks = [...running, ...tasks.filter((t) => t.state !== 'RUNNING').slice(0, 3)];
    drainTaskRunning = running.some((t) => t.kind === 'uplink-drain');
    // while something runs, follow it every second
    if (running.length && !progressPoll) progressPoll = setInterval(refreshProgress, 1000);
    if (!running.length && progressPoll) { clearInterval(progressPoll); progressPoll = null; }
  } catch (e) { work.tasks = []; drainTaskRunning = false; }
  renderWork();
}

function renderWork() {
  const parts = [...work.tasks.map(renderTask), drainTaskRunning ? null : work.uplink].filter(Boolean);
  $('#progress').replaceChildren(...(parts.length ? parts : [el('p', { class: 'muted' }, 'nothing running')]));
}

// --- start

setUpRates($('#charts'));
refreshStatus(); refreshCloud(); refreshPods(); refreshMesh(); refreshPeers(); refreshMetrics();
// units first, so the twins are shown with them
refreshDrivers().finally(watchTwins);
setInterval(refreshStatus, 5000);
setInterval(refreshMetrics, 2000);
refreshProgress();
setInterval(refreshProgress, 5000);
setInterval(() => { refreshDrivers(); refreshCloud(); refreshPods(); refreshMesh(); refreshPeers(); }, 10000);
