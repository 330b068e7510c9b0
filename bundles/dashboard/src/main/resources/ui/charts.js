// Rates from the Prometheus text at /metrics, kept for the last few minutes and drawn as sparklines.

const KEEP = 60;

/**
 * Parses the text format just enough for sums per sample name (labels summed over), each series by its full key,
 * and sums per name and one label value under the key name[label=value].
 */
export function sumsByName(text) {
  const sums = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const brace = line.indexOf('{');
    const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, line.indexOf(' '));
    const value = Number(line.slice(space + 1));
    if (Number.isNaN(value)) continue;
    sums.set(name, (sums.get(name) || 0) + value);
    if (brace >= 0 && brace < space) {
      sums.set(line.slice(0, space), value);
      for (const [, label, labelValue] of line.slice(brace, space).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        const key = `${name}[${label}=${labelValue}]`;
        sums.set(key, (sums.get(key) || 0) + value);
      }
    }
  }
  return sums;
}

export class RateChart {
  constructor(parent, label, { rate = true, unit = '' } = {}) {
    this.rate = rate; this.unit = unit; this.points = []; this.last = null;
    this.el = document.createElement('div');
    this.el.className = 'chart';
    this.el.innerHTML = `<div class="label"></div><div class="value">–</div><svg viewBox="0 0 100 36" preserveAspectRatio="none"><polyline fill="none" stroke="#2563eb" stroke-width="1.5"/></svg>`;
    this.el.querySelector('.label').textContent = label;
    parent.appendChild(this.el);
  }

  add(value, atMillis) {
    if (value === undefined) { this.el.hidden = true; return; }
    this.el.hidden = false;
    let point = value;
    if (this.rate) {
      if (this.last && atMillis > this.last.at) point = Math.max(0, (value - this.last.value) * 1000 / (atMillis - this.last.at));
      else point = null;
      this.last = { value, at: atMillis };
    }
    if (point === null) return;
    this.points.push(point);
    if (this.points.length > KEEP) this.points.shift();
    this.el.querySelector('.value').textContent = format(point) + this.unit;
    const max = Math.max(...this.points, 1e-9);
    const step = 100 / Math.max(KEEP - 1, 1);
    const start = KEEP - this.points.length;
    this.el.querySelector('polyline').setAttribute('points',
      this.points.map((p, i) => `${((start + i) * step).toFixed(1)},${(34 - (p / max) * 32).toFixed(1)}`).join(' '));
  }
}

function format(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return n >= 10 || Number.isInteger(n) ? n.toFixed(0) : n.toFixed(2);
}
