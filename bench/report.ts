import { Channel, ChannelLatency } from './bench.context';
import type { BenchResults } from './run';
import { round } from './stats';

export interface Row {
  metric: string;
  value: string;
  target: string;
  met: string;
}

const mb = (b: number) => `${round(b / 1048576, 1)} MB`;
const kb = (b: number) => `${round(b / 1024, 2)} KB`;
const yes = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? 'yes' : 'no');

function latencyRow(name: string, l: ChannelLatency | undefined, intervalMs: number, missing: string): Row {
  const s = l?.latency;
  if (!s) return { metric: name, value: `not measured: ${l?.note ?? missing}`, target: '', met: '–' };
  const ok = s.p50 <= intervalMs / 2 + 50 && s.p99 <= intervalMs + 250 && l.arrived === l.expected;
  const ratios = `p50/(I/2) ${round(s.p50 / (intervalMs / 2), 2)}, p99/I ${round(s.p99 / intervalMs, 2)}`;
  return {
    metric: name,
    value: `p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} / max ${s.max} ms (n=${s.n}${l.note ? `, ${l.note}` : ''}); ${ratios}`,
    target: `p50 ≤ ${intervalMs / 2 + 50}, p99 ≤ ${intervalMs + 250} ms`,
    met: yes(ok),
  };
}

/** The figures the issue asks for, one row each. */
export function rows(r: BenchResults): Row[] {
  const I = r.options.intervalMs;
  const top = r.steps.filter((s) => s.keptUp).at(-1) ?? r.steps.at(-1);
  const last = r.steps.at(-1);
  const out: Row[] = [];
  const channels: [Channel, string][] = [['detection', 'decision → terminal event in Redis'], ['webhook', 'decision → webhook at receiver'], ['sse', 'decision → SSE event at client']];
  for (const step of r.steps) {
    for (const [c, label] of channels) {
      out.push(latencyRow(`${label} (${step.pendingAtWindow} pending, I=${I} ms)`, step.latency[c], I, r.delivery[c === 'detection' ? 'webhook' : c].reason ?? 'channel not asked'));
    }
  }
  const capacity = top?.keptUp ? top.measuredPollsPerSecond : 0;
  const sustained = r.steps.filter((s) => s.sustained).at(-1);
  out.push({
    metric: 'poll capacity: highest sustained polls/s within target',
    value: `${capacity}/s (at ${top?.pendingAtWindow ?? 0} pending; largest step tried: ${last?.measuredPollsPerSecond ?? 0}/s of ${last?.expectedPollsPerSecond ?? 0}/s asked, ${last?.verdict ?? ''})`,
    target: '10,000 pending at 1 s',
    met: yes(capacity > 0 && (top?.pendingAtWindow ?? 0) >= 10_000 * 0.95 && I <= 1000),
  });
  out.push({
    metric: 'highest polls/s sustained (latency aside)',
    value: `${sustained?.measuredPollsPerSecond ?? 0}/s at ${sustained?.pendingAtWindow ?? 0} pending (${round((100 * (sustained?.measuredPollsPerSecond ?? 0)) / Math.max(1, r.bareGet.rate))} % of the bare GET rate)`,
    target: '',
    met: '–',
  });
  out.push({ metric: 'bare keep-alive GET loop, same simulator', value: `${r.bareGet.rate}/s (concurrency ${r.bareGet.concurrency}, ${r.bareGet.seconds} s)`, target: '', met: '–' });
  const pollRatio = r.bareGet.rate ? capacity / r.bareGet.rate : 0;
  out.push({ metric: 'poll capacity / bare GET rate', value: `${round(100 * pollRatio)} %`, target: '≥ 60 %', met: yes(pollRatio >= 0.6) });
  const c = r.create;
  out.push({
    metric: `creates at ${c.concurrency} concurrent callers`,
    value: `${c.perSecond}/s; p50 ${c.latency?.p50 ?? '–'} ms, p99 ${c.latency?.p99 ?? '–'} ms (${c.count} created${c.errors ? `, ${c.errors} errors: ${c.firstError}` : ''})`,
    target: '≥ 1,000/s',
    met: yes(c.perSecond >= 1000),
  });
  out.push({ metric: `raw BullMQ add(), ${r.rawBullmq.concurrentAdd.concurrency} concurrent`, value: `${r.rawBullmq.concurrentAdd.perSecond}/s (${r.rawBullmq.jobs} jobs)`, target: '', met: '–' });
  out.push({ metric: `raw BullMQ addBulk(), batches of ${r.rawBullmq.addBulk.batch}`, value: `${r.rawBullmq.addBulk.perSecond}/s`, target: '', met: '–' });
  out.push({ metric: 'creates / raw add()', value: `${round((100 * c.perSecond) / Math.max(1, r.rawBullmq.concurrentAdd.perSecond))} %`, target: '', met: '–' });
  if (r.sseScale) {
    const s = r.sseScale;
    out.push({
      metric: 'SSE connections held by one instance',
      value: `${s.open} of ${s.asked} (${s.failed} failed${s.lastFailure ? `: ${s.lastFailure}` : ''}); opened in ${s.connectSeconds} s`,
      target: '10,000',
      met: yes(s.open >= 10_000),
    });
    out.push({ metric: 'service RSS per SSE connection', value: `${kb(s.bytesPerConnection)} (${mb(s.serviceRssBefore)} → ${mb(s.serviceRssAfter)})`, target: '≤ 30 KB', met: yes(s.open > 0 && s.bytesPerConnection <= 30 * 1024) });
    out.push(latencyRow(`SSE fan-out with ${s.open} open`, s.fanOut.sse, I, 'no SSE'));
    if (s.hubDelay) {
      const h = s.hubDelay;
      out.push({ metric: `SSE hub share: event stored → SSE at client, ${s.open} open`, value: `p50 ${h.p50} / p99 ${h.p99} / max ${h.max} ms (n=${h.n})`, target: '', met: '–' });
    }
  } else {
    out.push({ metric: 'SSE scale', value: `not measured: ${r.delivery.sse.reason}`, target: '10,000 at ≤ 30 KB', met: '–' });
  }
  const e = r.economy;
  out.push({ metric: 'upstream GETs per decided approval', value: `${e.getsPerApproval} vs ideal ${e.idealPerApproval} (${e.ratio}×, ${e.approvals} approvals)`, target: '1× (below: polls ran late; above: wasted calls)', met: yes(e.ratio >= 0.9 && e.ratio <= 1.1) });
  out.push({ metric: 'max concurrent GETs for one operation', value: String(e.maxConcurrentGetsPerOperation), target: '1', met: yes(e.maxConcurrentGetsPerOperation === 1) });
  const res = r.resources;
  // With --workers the figures are sums, followed by each process's share (the ROLE=all one first).
  const each = (f: (p: (typeof res.processes)[number]) => string) => (res.processes.length > 1 ? `; ${res.processes.map((p) => `ROLE=${p.role} ${f(p)}`).join(', ')}` : '');
  out.push({
    metric: res.processes.length > 1 ? `service CPU, ${res.processes.length} processes` : 'service CPU',
    value: `${res.serviceCpuSeconds} s over ${res.wallSeconds} s (${res.serviceCpuPercentAtTop} % of one core at the top step${each((p) => `${p.cpuSeconds} s, ${p.cpuPercentAtTop} %`)})`,
    target: '',
    met: '–',
  });
  out.push({ metric: res.processes.length > 1 ? 'service peak RSS, sum of each process' : 'service peak RSS', value: `${mb(res.servicePeakRss)}${each((p) => mb(p.peakRss))}`, target: '', met: '–' });
  out.push({ metric: 'Redis memory per pending approval', value: `${kb(res.redisBytesPerPending)} (${res.redisKeys} keys added by ${res.redisPending} new pending approvals, measured by MEMORY USAGE)`, target: '≤ 4 KB', met: yes(res.redisBytesPerPending <= 4096) });
  return out;
}

export function textTable(list: Row[]): string {
  const w = [0, 1, 2, 3].map((i) => Math.max(...list.map((r) => [r.metric, r.value, r.target, r.met][i].length), 6));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(w[i])).join(' | ');
  return [line(['metric', 'value', 'target', 'met']), w.map((n) => '-'.repeat(n)).join('-|-'), ...list.map((r) => line([r.metric, r.value, r.target, r.met]))].join('\n');
}

export function markdownTable(list: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return ['| metric | value | target | met |', '|---|---|---|---|', ...list.map((r) => `| ${esc(r.metric)} | ${esc(r.value)} | ${esc(r.target)} | ${r.met} |`)].join('\n');
}
