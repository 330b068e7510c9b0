// Charts of the page, drawn with uPlot (ui/uPlot.iife.min.js, loaded before this module as the global uPlot):
// rates and latencies from the Prometheus text at /metrics, pod CPU and memory, and each device property's
// recent values from the node's value history.

const uPlot = globalThis.uPlot;

/** Points a rate chart keeps: 10 minutes at one scrape every 2 s. */
const KEEP = 300;

export const COLORS = { actual: '#1d4ed8', desired: '#c2410c', second: '#15803d', third: '#7c3aed' };
const AXIS = { stroke: '#1f2937', grid: { stroke: '#e5e7eb', width: 1 }, ticks: { stroke: '#d1d5db', width: 1 },
  font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' };

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

/** The cumulative buckets of a histogram (summed over its other labels) as [[upper bound, count], ...], by bound. */
export function buckets(sums, name) {
  const prefix = `${name}_bucket[le=`;
  const result = [];
  for (const [key, value] of sums) {
    if (key.startsWith(prefix)) result.push([Number(key.slice(prefix.length, -1).replace('+Inf', 'Infinity')), value]);
  }
  return result.sort((a, b) => a[0] - b[0]);
}

/**
 * The q-quantile of what went into a histogram between two readings of its buckets, interpolated inside the
 * bucket it falls in (as Prometheus' histogram_quantile does); null when nothing went in.
 */
export function quantileBetween(before, after, q) {
  if (!before || before.length !== after.length) return null;
  const deltas = after.map(([le, count], i) => [le, count - before[i][1]]);
  const total = deltas[deltas.length - 1][1];
  if (!(total > 0)) return null;
  const rank = q * total;
  let lower = 0; let below = 0;
  for (const [le, count] of deltas) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lower;
      return lower + (le - lower) * ((rank - below) / Math.max(count - below, 1e-12));
    }
    lower = le; below = count;
  }
  return lower;
}

export function format(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (abs >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (abs >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  if (abs >= 100 || Number.isInteger(n)) return n.toFixed(0);
  if (abs >= 1) return n.toFixed(2).replace(/\.?0+$/, '');
  return n.toPrecision(2);
}

/** Keeps a uPlot as wide as its box. */
function fitWidth(plot, box, height) {
  const resize = () => {
    const width = Math.max(120, Math.floor(box.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height });
  };
  new ResizeObserver(resize).observe(box);
  resize();
}

function plotOptions(width, height, unit, series) {
  return {
    width, height, legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [{ ...AXIS, space: 60 },
      { ...AXIS, label: unit, labelSize: 16, size: 48, values: (u, values) => values.map(format) }],
    series: [{}, ...series],
  };
}

/**
 * A chart of figures over time with axes and a unit, one line per series. Each add() is one reading; a rate
 * series turns a counter into a per-second rate from the reading before.
 */
export class TimeChart {
  constructor(parent, title, unit, series, { height = 150 } = {}) {
    this.unit = unit; this.series = series; this.height = height;
    this.last = series.map(() => null);
    this.data = [[], ...series.map(() => [])];
    this.el = document.createElement('figure');
    this.el.className = 'chart';
    this.el.innerHTML = '<figcaption><span class="label"></span> <span class="value">–</span></figcaption><div class="plot"></div>';
    this.el.querySelector('.label').textContent = title;
    this.el.hidden = true;
    parent.appendChild(this.el);
  }

  /** @param values one per series, undefined where the node does not report it (the chart stays hidden) */
  add(values, atMillis) {
    if (values.every((v) => v === undefined)) return;
    const points = values.map((value, i) => {
      if (value === undefined || value === null) return null;
      if (!this.series[i].rate) return value;
      const before = this.last[i];
      this.last[i] = { value, at: atMillis };
      if (!before || atMillis <= before.at) return null;
      return Math.max(0, (value - before.value) * 1000 / (atMillis - before.at));
    });
    this.data[0].push(atMillis / 1000);
    points.forEach((p, i) => this.data[i + 1].push(p));
    if (this.data[0].length > KEEP) this.data.forEach((column) => column.shift());
    const shown = points.map((p, i) => (p === null ? null : `${this.series[i].short ?? ''}${format(p)}`)).filter(Boolean);
    if (shown.length) this.el.querySelector('.value').textContent = `${shown.join(' · ')} ${this.unit}`;
    this.draw();
  }

  draw() {
    if (this.data[0].length < 2) return;
    this.el.hidden = false;
    if (!this.plot) {
      const box = this.el.querySelector('.plot');
      this.plot = new uPlot(plotOptions(box.clientWidth || 300, this.height, this.unit, this.series.map((s, i) => ({
        label: s.label, stroke: s.color ?? Object.values(COLORS)[i], width: 1.5, spanGaps: false, points: { show: false },
      }))), this.data, box);
      this.el.chart = this.plot;
      fitWidth(this.plot, box, this.height);
    } else {
      this.plot.setData(this.data);
    }
  }
}

/**
 * The recent values of one numeric property: the reported value as a line, the desired value as a step line.
 * Times in the points are epoch milliseconds.
 */
export class PropertyChart {
  constructor(parent, unit) {
    this.unit = unit;
    this.data = [[], [], []];
    this.el = document.createElement('div');
    this.el.className = 'history';
    parent.appendChild(this.el);
  }

  /** Replaces the points with [[atMillis, actual, desired], ...] from the history endpoint. */
  load(points) {
    this.data = [[], [], []];
    for (const [at, actual, desired] of points) this.push(at, actual, desired);
    this.draw();
  }

  add(atMillis, actual, desired) {
    this.push(atMillis, actual, desired);
    this.draw();
  }

  push(atMillis, actual, desired) {
    const t = atMillis / 1000;
    const times = this.data[0];
    const last = times.length - 1;
    const a = toNumber(actual); const d = toNumber(desired);
    if (last >= 0 && t < times[last]) return; // older than what is shown: the history already has it
    // a later reported value in the same second replaces the point, as the node's history does; a new desired value is kept
    if (last >= 0 && Math.floor(t) === Math.floor(times[last]) && this.data[2][last] === d) { times[last] = t; this.data[1][last] = a; this.data[2][last] = d; } else {
      times.push(t); this.data[1].push(a); this.data[2].push(d);
    }
    // an hour at most (the node keeps no more)
    while (times.length && times[0] < t - 3600) this.data.forEach((column) => column.shift());
  }

  /** @return points that have a reported value */
  points() {
    return this.data[1].filter((v) => v !== null).length;
  }

  draw() {
    this.el.dataset.points = String(this.points());
    if (!this.data[0].length) return;
    const hasDesired = this.data[2].some((v) => v !== null);
    if (!this.plot) {
      const series = [
        { label: 'reported', stroke: COLORS.actual, width: 1.5, points: { show: (u) => u.data[0].length < 40, size: 4 } },
        { label: 'desired', stroke: COLORS.desired, width: 1.5, dash: [5, 3], paths: uPlot.paths.stepped({ align: 1 }),
          points: { show: false }, show: hasDesired },
      ];
      this.plot = new uPlot(plotOptions(this.el.clientWidth || 260, 110, this.unit, series), this.data, this.el);
      this.el.chart = this.plot;
      fitWidth(this.plot, this.el, 110);
    } else {
      if (hasDesired && !this.plot.series[2].show) this.plot.setSeries(2, { show: true });
      this.plot.setData(this.data);
    }
  }
}

/**
 * The recent values of a property that is not a number (text or boolean): a strip with a segment per value
 * held, as long as it was held, and the last changes with their times.
 */
export class Timeline {
  constructor(parent) {
    this.changes = [];
    this.el = document.createElement('div');
    this.el.className = 'timeline';
    this.el.innerHTML = '<div class="strip" role="img"></div><ol class="changes"></ol>';
    parent.appendChild(this.el);
  }

  load(points) {
    this.changes = [];
    for (const [at, actual] of points) this.push(at, actual);
    this.draw();
  }

  add(atMillis, actual) {
    this.push(atMillis, actual);
    this.draw();
  }

  push(atMillis, actual) {
    const value = actual === null || actual === undefined ? '–' : String(actual);
    const last = this.changes[this.changes.length - 1];
    if (last && atMillis < last.at) return;
    if (last && last.value === value) return;
    this.changes.push({ at: atMillis, value });
    while (this.changes.length > 60) this.changes.shift();
  }

  points() {
    return this.changes.length;
  }

  draw() {
    this.el.dataset.points = String(this.changes.length);
    const strip = this.el.querySelector('.strip');
    if (!this.changes.length) { strip.replaceChildren(); return; }
    const start = this.changes[0].at;
    const end = Math.max(Date.now(), this.changes[this.changes.length - 1].at + 1);
    const values = [...new Set(this.changes.map((c) => c.value))];
    strip.setAttribute('aria-label', `changes of the value since ${new Date(start).toLocaleTimeString()}`);
    strip.replaceChildren(...this.changes.map((change, i) => {
      const until = i + 1 < this.changes.length ? this.changes[i + 1].at : end;
      const segment = document.createElement('span');
      segment.style.flexGrow = String(Math.max(until - change.at, 1));
      segment.style.background = PALETTE[values.indexOf(change.value) % PALETTE.length];
      segment.title = `${change.value} from ${new Date(change.at).toLocaleTimeString()}`;
      return segment;
    }));
    const list = this.el.querySelector('.changes');
    list.replaceChildren(...this.changes.slice(-3).reverse().map((change) => {
      const item = document.createElement('li');
      const time = document.createElement('time');
      time.dateTime = new Date(change.at).toISOString();
      time.textContent = new Date(change.at).toLocaleTimeString();
      item.append(time, ' ', change.value);
      return item;
    }));
  }
}

const PALETTE = ['#bfdbfe', '#fed7aa', '#bbf7d0', '#e9d5ff', '#fecaca', '#fef08a', '#c7d2fe', '#a5f3fc'];

function toNumber(value) {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
