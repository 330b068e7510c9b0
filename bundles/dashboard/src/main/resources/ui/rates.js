// Rates and latencies of the node over the last 10 minutes, from /metrics every 2 s, and the pods' CPU and
// memory from /api/v1/pods/usage: charts with time and value axes and their units.
import { TimeChart, buckets, quantileBetween, sumsByName, COLORS } from './charts.js';

const MiB = 1048576;
const charts = {};
let latencyBuckets = null;
let podCpu = null;         // the pods' CPU time at the last reading: { at: ns sum of times, used: ns }

export function setUpRates(parent) {
  charts.twin = new TimeChart(parent, 'Twin updates applied', 'updates/s',
    [{ label: 'applied', rate: true }]);
  charts.mqtt = new TimeChart(parent, 'MQTT messages', 'msg/s',
    [{ label: 'in', short: 'in ', rate: true }, { label: 'out', short: 'out ', rate: true, color: COLORS.second }]);
  charts.latency = new TimeChart(parent, 'Twin write latency', 'ms',
    [{ label: 'p50', short: 'p50 ' }, { label: 'p99', short: 'p99 ', color: COLORS.desired }]);
  charts.uplink = new TimeChart(parent, 'Uplink depth', 'entries', [{ label: 'waiting' }]);
  charts.cloud = new TimeChart(parent, 'Messages to the cloud', 'msg/s', [{ label: 'sent', rate: true }]);
  charts.rss = new TimeChart(parent, 'Node memory (RSS)', 'MiB', [{ label: 'RSS' }]);
  charts.podCpu = new TimeChart(parent, 'Pods CPU', 'cores', [{ label: 'all pods' }]);
  charts.podMemory = new TimeChart(parent, 'Pods memory (working set)', 'MiB', [{ label: 'all pods', color: COLORS.second }]);
}

/** @return the sums of the scrape (for the Long work panel), or null when /metrics cannot be read */
export async function refreshRates() {
  let sums;
  try {
    const response = await fetch('/metrics');
    if (!response.ok) return null;
    sums = sumsByName(await response.text());
  } catch (e) { return null; } // metrics bundle not installed: no charts
  const now = Date.now();
  charts.twin.add([sums.has('karedge_twin_updates_total') ? sums.get('karedge_twin_updates_total[result=applied]') || 0 : undefined], now);
  charts.mqtt.add([sums.get('karedge_mqtt_messages_received_total'), sums.get('karedge_mqtt_messages_sent_total')], now);
  charts.cloud.add([sums.get('karedge_cloud_messages_sent_total')], now);
  charts.uplink.add([sums.get('karedge_uplink_depth')], now);
  const rss = sums.get('process_resident_memory_bytes');
  charts.rss.add([rss === undefined ? undefined : rss / MiB], now);
  const latest = buckets(sums, 'karedge_twin_write_duration_seconds');
  if (latest.length) {
    const ms = (q) => { const s = quantileBetween(latencyBuckets, latest, q); return s === null ? null : s * 1000; };
    charts.latency.add([ms(0.5), ms(0.99)], now);
    latencyBuckets = latest;
  }
  return sums;
}

/** @return per pod "namespace/name" its { cores, memoryMiB } (either may be absent), or null without a pod manager */
export async function refreshPodUsage() {
  let body;
  try {
    const response = await fetch('/api/v1/pods/usage', { headers: { Accept: 'application/json' } });
    if (!response.ok) return null;
    body = await response.json();
  } catch (e) { return null; }
  const now = Date.now();
  const perPod = new Map();
  let cpuTime = 0; let cpuKnown = false; let nanoCores = 0; let nanoCoresKnown = body.pods.length > 0;
  let memory = 0; let memoryKnown = false;
  for (const pod of body.pods) {
    const figures = {};
    if (pod.cpuCoreNanoSeconds !== undefined) { cpuTime += pod.cpuCoreNanoSeconds; cpuKnown = true; }
    if (pod.nanoCores !== undefined) { nanoCores += pod.nanoCores; figures.cores = pod.nanoCores / 1e9; } else nanoCoresKnown = false;
    if (pod.workingSetBytes !== undefined) { memory += pod.workingSetBytes; memoryKnown = true; figures.memoryMiB = pod.workingSetBytes / MiB; }
    perPod.set(`${pod.namespace}/${pod.name}`, figures);
  }
  let cores = null;
  if (nanoCoresKnown) cores = nanoCores / 1e9;
  else if (cpuKnown && podCpu && now > podCpu.at && cpuTime >= podCpu.used) cores = (cpuTime - podCpu.used) / ((now - podCpu.at) * 1e6);
  podCpu = cpuKnown ? { at: now, used: cpuTime } : null;
  if (body.pods.length) {
    charts.podCpu.add([cores], now);
    charts.podMemory.add([memoryKnown ? memory / MiB : null], now);
  }
  return perPod;
}
