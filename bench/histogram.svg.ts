export interface Series {
  name: string;
  color: string;
  samples: number[];
}

const W = 760;
const H = 360;
const M = { left: 56, right: 20, top: 40, bottom: 50 };

/** A latency histogram as a standalone SVG: one step outline per series, with the two latency targets marked. */
export function histogramSvg(series: Series[], title: string, intervalMs: number): string {
  const all = series.flatMap((s) => s.samples);
  const span = Math.max(intervalMs + 400, Math.ceil(Math.max(0, ...all) / 100) * 100);
  const bucket = Math.max(10, Math.round(span / 60 / 10) * 10);
  const buckets = Math.ceil(span / bucket);
  const limit = buckets * bucket;
  const counts = series.map((s) => {
    const c = new Array<number>(buckets).fill(0);
    for (const v of s.samples) c[Math.min(buckets - 1, Math.floor(v / bucket))] += 1;
    // Shares, not counts, so that series of different sizes compare.
    return c.map((n) => n / Math.max(1, s.samples.length));
  });
  const top = Math.max(0.01, ...counts.flat());
  const x = (ms: number) => round1(M.left + (ms / limit) * (W - M.left - M.right));
  const y = (share: number) => round1(H - M.bottom - (share / top) * (H - M.top - M.bottom));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">ms from the simulated decision to arrival (bucket ${bucket} ms)</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">share of events</text>`,
  ];
  const tickEvery = limit > 2000 ? 500 : 250;
  for (let t = 0; t <= limit; t += tickEvery) {
    parts.push(`<line x1="${x(t)}" y1="${H - M.bottom}" x2="${x(t)}" y2="${H - M.bottom + 5}" stroke="black"/>`);
    parts.push(`<text x="${x(t)}" y="${H - M.bottom + 18}" text-anchor="middle">${t}</text>`);
  }
  for (const [ms, label] of [
    [intervalMs / 2 + 50, 'p50 target'],
    [intervalMs + 250, 'p99 target'],
  ] as const) {
    parts.push(`<line x1="${x(ms)}" y1="${M.top}" x2="${x(ms)}" y2="${H - M.bottom}" stroke="#888" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${x(ms) + 4}" y="${M.top + 10}" fill="#555">${label} ${ms} ms</text>`);
  }
  counts.forEach((c, i) => {
    const points = [`${x(0)},${y(0)}`];
    c.forEach((share, b) => points.push(`${x(b * bucket)},${y(share)}`, `${x((b + 1) * bucket)},${y(share)}`));
    points.push(`${x(buckets * bucket)},${y(0)}`);
    const s = series[i];
    parts.push(`<polyline points="${points.join(' ')}" fill="${s.color}" fill-opacity="0.15" stroke="${s.color}" stroke-width="1.5"/>`);
    parts.push(`<rect x="${W - M.right - 250}" y="${M.top + 18 + i * 18}" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${W - M.right - 232}" y="${M.top + 28 + i * 18}">${escapeXml(`${s.name} (n=${s.samples.length})`)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
