import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCibaApp } from '../helpers/ciba';
import { TestApp } from '../helpers/test-app';

const ROOT = resolve(__dirname, '..', '..');
const REDOCLY = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

type Operation = { operationId?: string; tags?: string[] };
type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; webhooks?: Record<string, Record<string, Operation>> };
type LintReport = {
  totals: { errors: number; warnings: number };
  problems: { severity: string; ruleId: string; message: string; location: { pointer: string }[] }[];
};

/** `redocly lint` on a file, with the repository's redocly.yaml, as a CI step would run it; resolves with its JSON report. */
function redoclyLint(file: string): Promise<LintReport> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [REDOCLY, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
      // No telemetry and no update check: CI answers for the document, not for the registry.
      {
        cwd: ROOT,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
      // Exit code 1 means problems were found: the report says which.
      (err, stdout, stderr) => {
        try {
          done(JSON.parse(stdout) as LintReport);
        } catch {
          fail(new Error(`redocly lint gave no report (${err?.message ?? 'exit 0'})\n${stderr}`));
        }
      },
    );
  });
}

/** Every operation of the document, routes and webhooks, whatever they are. */
function operations(document: OpenApiDocument): { where: string; operation: Operation }[] {
  const items = [...Object.entries(document.paths), ...Object.entries(document.webhooks ?? {})];
  return items.flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, operation })),
  );
}

describe('OpenAPI document under Redocly lint', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  let dir: string;

  beforeAll(async () => {
    // With the CIBA front door on, so that every route the service can serve is linted.
    t = await startCibaApp();
    document = (await (await fetch(`${t.url}/docs-json`)).json()) as OpenApiDocument;
    dir = mkdtempSync(join(tmpdir(), 'stepup-redocly-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('has no error and no warning under the rules of redocly.yaml', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const report = await redoclyLint(file);
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location.map((l) => l.pointer).join(' ')}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('finds problems when there are some', async () => {
    const file = join(dir, 'broken.json');
    const broken = structuredClone(document);
    const [first] = operations(broken);
    delete (first.operation as { security?: unknown }).security;
    writeFileSync(file, JSON.stringify({ ...broken, servers: [] }));
    const report = await redoclyLint(file);
    expect(report.problems.map((p) => p.ruleId)).toEqual(expect.arrayContaining(['no-empty-servers', 'security-defined']));
  }, 60_000);

  it('names every operation verb first, as the SDK does, never after its controller or route', () => {
    const nouns = new Set<string>();
    for (const { where, operation } of operations(document)) {
      for (const tag of operation.tags ?? []) nouns.add(tag.toLowerCase());
      const segment = where
        .split(' ')[1]
        .split('/')
        .find((s) => s && !/^v\d+$/.test(s));
      if (segment) nouns.add(segment.replace(/^\./, '').toLowerCase());
    }
    // A route without its own id gets its bare handler name (one word), which fails here too.
    const misnamed = operations(document).filter(({ operation }) => {
      const verb = /^[a-z]+(?=[A-Z][A-Za-z]*$)/.exec(operation.operationId ?? '')?.[0];
      return !verb || nouns.has(verb);
    });
    expect(misnamed.map(({ where, operation }) => `${where}: ${operation.operationId}`)).toEqual([]);
  });
});
