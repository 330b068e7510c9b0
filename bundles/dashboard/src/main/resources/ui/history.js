// The recent values of each device property: loaded from the node's value history
// (/api/v1/namespaces/{ns}/devices/{name}/history) when a device is shown, then extended by the live twin stream.
// Numbers are a line chart (reported) with a step line (desired); other values a timeline of changes.
import { PropertyChart, Timeline } from './charts.js';

const views = new Map();   // id NUL property -> { kind: 'number' | 'text', view }
const units = new Map();   // id NUL property -> unit from the DeviceModel

const key = (id, prop) => `${id}\u0000${prop}`;

export function setUnit(id, prop, unit) {
  if (unit) units.set(key(id, prop), unit); else units.delete(key(id, prop));
}

export function unitOf(id, prop) {
  return units.get(key(id, prop)) ?? '';
}

function isNumber(value) {
  return value !== null && value !== undefined && value !== '' && Number.isFinite(Number(value));
}

// The chart of a property, made (or remade for the other kind) in the row's chart box.
function viewFor(id, prop, kind) {
  const row = document.querySelector(`[data-device="${CSS.escape(id)}"] .prop[data-prop="${CSS.escape(prop)}"]`);
  if (!row) return null;
  const box = row.querySelector('[data-role="chart"]');
  let entry = views.get(key(id, prop));
  if (entry && entry.kind === kind && box.contains(entry.view.el)) return entry.view;
  box.replaceChildren();
  box.dataset.kind = kind;
  const view = kind === 'number' ? new PropertyChart(box, unitOf(id, prop)) : new Timeline(box);
  entry = { kind, view };
  views.set(key(id, prop), entry);
  return view;
}

/** Loads a device's history of the last hour and draws it. */
export async function loadHistory(id) {
  const [ns, name] = id.split('/');
  const response = await fetch(`/api/v1/namespaces/${encodeURIComponent(ns)}/devices/${encodeURIComponent(name)}/history?since=3600s`,
    { headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  const body = await response.json();
  for (const [prop, history] of Object.entries(body.properties || {})) {
    viewFor(id, prop, history.kind)?.load(history.points);
  }
}

/** A property's new record from the twin stream: its point is drawn at once. */
export function addLive(id, prop, actual, desired, atMillis) {
  const entry = views.get(key(id, prop));
  const kind = entry && entry.kind === 'text' ? 'text' : (isNumber(actual) || (actual == null && isNumber(desired)) ? 'number' : 'text');
  viewFor(id, prop, kind)?.add(atMillis, actual ?? null, desired ?? null);
}

/** @return points drawn for a property (for the page's own checks and the browser test) */
export function pointsOf(id, prop) {
  return views.get(key(id, prop))?.view.points() ?? 0;
}
