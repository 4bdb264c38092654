import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIMULATOR_DEFAULT_API_KEY } from '../../simulator/main';
import { BANK_APP, OTHER_APP, clientSecrets } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

// The bundled simulator's key: the app must never log the key it sends to Recognize.
const RECOGNIZE_API_KEY = SIMULATOR_DEFAULT_API_KEY;

/** A webhook receiver that answers 204 and resolves when the first delivery arrives. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Promise<string> }> {
  let resolve!: (body: string) => void;
  const received = new Promise<string>((r) => (resolve = r));
  const server = createServer((req, res) => {
    let body = '';
    req
      .on('data', (chunk) => (body += chunk))
      .on('end', () => {
        res.writeHead(204).end();
        resolve(body);
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/stepup`, received };
}

/** Reads an SSE response until its body contains `needle` (or the stream ends). */
async function readUntil(response: Response, needle: string): Promise<string> {
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  await reader.cancel();
  return text;
}

describe('structured logs', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;
  let logFile: string;
  const secrets = clientSecrets(RECOGNIZE_API_KEY);
  let lines: Record<string, unknown>[];
  let raw: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stepup-logs-'));
    logFile = join(dir, 'app.log');
    receiver = await startReceiver();
    const bank = { ...BANK_APP, webhookUrl: receiver.url, callbackOrigins: [...BANK_APP.callbackOrigins, new URL(receiver.url).origin] };
    t = await startTestApp({ LOG_LEVEL: 'trace', LOG_DESTINATION: logFile, CLIENTS: JSON.stringify([bank, OTHER_APP]) });

    // A full run: create → SSE with the token → approve → webhook, then every way of sending a bad key.
    const bankApi = t.api(BANK_APP.apiKey);
    const created = await bankApi.create({ userId: newUserId(), message: 'Approve transfer', callbackUrl: receiver.url });
    expect(created.status).toBe(201);
    const { id, eventsUrl } = created.body;
    const token = new URL(eventsUrl!, t.url).searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(10);
    secrets.push(token);

    const stream = await fetch(t.url + eventsUrl!, { headers: { accept: 'text/event-stream' } });
    const terminal = t.events.waitFor(id, 'terminal');
    await t.sim.approve(id, 'biom');
    await terminal;
    if (stream.status === 200) expect(await readUntil(stream, 'approval.approved')).toContain('approval.approved');
    else await stream.body?.cancel();
    expect(JSON.parse(await receiver.received)).toMatchObject({ type: 'approval.approved' });
    expect((await bankApi.get(id)).status).toBe(200);

    const wrongKey = 'wrong-key-also-a-secret-0123456789';
    secrets.push(wrongKey);
    expect((await t.api(wrongKey).get(id)).status).toBe(401);
    expect(
      (
        await bankApi.request('GET', `/v1/approvals/${id}`, undefined, {
          authorization: `Basic ${Buffer.from(`u:${wrongKey}`).toString('base64')}`,
        })
      ).status,
    ).toBe(401);
    expect((await t.api('').request('GET', `/v1/approvals/${id}`, undefined, { 'x-api-key': BANK_APP.apiKey })).status).toBe(401);
    const badToken = await fetch(`${t.url}/v1/approvals/${encodeURIComponent(id)}/events?token=${token}x`);
    expect(badToken.status).toBeGreaterThanOrEqual(400);
    await badToken.body?.cancel();
    // Refused by an express middleware before any Nest handler: logged all the same.
    const notJson = await fetch(`${t.url}/v1/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BANK_APP.apiKey}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(notJson.status).toBe(415);

    await t.close();
    raw = readFileSync(logFile, 'utf8');
    lines = raw
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  });

  afterAll(async () => {
    await new Promise((r) => receiver.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one JSON object per line', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(typeof line.level).toBe('number');
  });

  it('names the request, the client and the approval as fields', () => {
    const requestLog = lines.find((l) => l.msg === 'request completed' && (l.req as { method: string }).method === 'POST');
    expect(requestLog).toMatchObject({ requestId: expect.any(String), clientId: 'bank-app', res: { statusCode: 201 } });
    const readLog = lines.find(
      (l) =>
        l.msg === 'request completed' &&
        (l.req as { method: string; url: string }).url.startsWith('/v1/approvals/') &&
        l.clientId === 'bank-app',
    );
    expect(readLog).toMatchObject({ approvalId: expect.any(String) });
    expect(lines.some((l) => typeof l.approvalId === 'string' && typeof l.eventId === 'string')).toBe(true);
  });

  it('logs a request refused before it reached a controller', () => {
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'request completed', req: expect.objectContaining({ method: 'POST' }), res: { statusCode: 415 } }),
    );
  });

  it('never writes a secret: API keys, webhook secret, Recognize key, SSE token', () => {
    for (const secret of secrets) expect({ secret, found: raw.includes(secret) }).toEqual({ secret, found: false });
    expect(raw).toContain('[redacted]');
  });

  it('writes each field once per line (JSON.parse would hide a duplicate: the raw text is checked)', () => {
    const duplicated = raw
      .trim()
      .split('\n')
      .flatMap((line) => duplicateTopLevelKeys(line).map((key) => ({ key, line })));
    expect(duplicated).toEqual([]);
    expect(raw).toContain('"requestId"');
  });
});

/** Top-level keys that occur more than once in one JSON object's text. */
function duplicateTopLevelKeys(json: string): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const isKey = depth === 1 && /^\s*:/.test(json.slice(end + 1, end + 4));
      const key = json.slice(i + 1, end);
      if (isKey && seen.has(key)) duplicates.push(key);
      if (isKey) seen.add(key);
      i = end;
    }
  }
  return duplicates;
}
