import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOALS } from './bench.options';
import { histogramSvg } from './histogram.svg';
import { markdownTable, notes, rows, textTable } from './report';
import type { BenchResults } from './bench.results';

/**
 * Prints the goals table (and the profile's top functions), and writes it as markdown to
 * bench/results/summary.md for docs/benchmarks.md to quote, with the full JSON beside it.
 */
export function writeResults(results: BenchResults, dir: string, root: string): void {
  const table = rows(results);
  const remarks = notes(results);
  process.stdout.write(`\n${textTable(table)}\n\n${remarks.map((r) => `- ${r}`).join('\n')}\n`);
  if (results.profile) {
    process.stdout.write(`\nService CPU profile (${results.profile.file}), self time as a share of busy samples, highest first:\n`);
    for (const e of results.profile.top) process.stdout.write(`  ${String(e.selfPercent).padStart(5)} %  ${e.fn}\n`);
  }
  process.stdout.write('\n');

  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const strip = (k: string, v: unknown) => (k === 'samples' ? undefined : v);
  const json = `${JSON.stringify(results, strip, 2)}\n`;
  writeFileSync(join(dir, `bench-${stamp}.json`), json);
  writeFileSync(join(dir, 'latest.json'), json);
  const summary = [
    `\`${results.command}\`, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(results.resources.wallSeconds)} s`,
    '',
    markdownTable(table),
    '',
    ...remarks.map((r) => `- ${r}`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'summary.md'), summary);

  // The histogram shows the one-process goal step (or the largest step run): where the latency targets are judged.
  const step = results.steps.at(-1) ?? results.scaled;
  if (step) {
    const series = [
      { name: 'terminal event stored (detection)', color: '#1f77b4', samples: step.latency.detection?.samples ?? [] },
      { name: 'webhook at receiver', color: '#d62728', samples: step.latency.webhook?.samples ?? [] },
      { name: 'SSE event at client', color: '#2ca02c', samples: step.latency.sse?.samples ?? [] },
    ].filter((s) => s.samples.length);
    const svg = histogramSvg(
      series,
      `Notification latency, ${step.pendingAtWindow} pending approvals, poll interval ${results.options.intervalMs} ms`,
      results.options.intervalMs,
    );
    writeFileSync(join(dir, 'latency.svg'), svg);
    // Only a run of every goal redraws the committed figure, so that a subset never replaces it.
    if (results.options.writeDocs && results.options.goals.length === GOALS.length)
      writeFileSync(join(root, 'docs/benchmark-latency.svg'), svg);
  }
  process.stdout.write(`results: ${join(dir, 'summary.md')}, ${join(dir, 'latest.json')}\n`);
}
