import { createHmac } from 'node:crypto';
import { EventsTokenService } from '../../src/events/events-token.service';
import { Approval, ApiClient } from '../helpers/api-client';
import { BANK_APP } from '../helpers/clients';
import { SseClient } from '../helpers/sse-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/** Issue 11, item 9: eventsUrl tokens are short-lived, renewable, revoked after the outcome, rotatable and opaque. */
describe('eventsUrl tokens', () => {
  let t: TestApp;
  let bank: ApiClient;
  let tokens: EventsTokenService;
  const open: SseClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    bank = t.api(BANK_APP.apiKey);
    tokens = t.app.get(EventsTokenService);
  });
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  afterAll(() => t.close());

  async function createPending(): Promise<Approval> {
    const res = await bank.create({ userId: newUserId(), message: 'Approve wire transfer of $500 to account 1234' });
    expect(res.status).toBe(201);
    return res.body;
  }

  const tokenOf = (eventsUrl: string) => new URL(eventsUrl, 'http://x').searchParams.get('token') as string;
  const withToken = (id: string, token: string) => `/v1/approvals/${encodeURIComponent(id)}/events?token=${encodeURIComponent(token)}`;

  async function follow(path: string): Promise<SseClient> {
    const client = await SseClient.open(t.url + path);
    open.push(client);
    return client;
  }

  const recordOf = (approval: Approval) => ({
    id: approval.id,
    clientId: BANK_APP.id,
    status: approval.status as 'pending',
    expiresAt: approval.expiresAt,
    decidedAt: approval.decidedAt,
  });

  it('is compact and URL-safe, names its key, and reveals no client id', async () => {
    const approval = await createPending();
    const token = tokenOf(approval.eventsUrl!);
    expect(token).toMatch(/^[a-z0-9]+\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(token.length).toBeLessThan(64);
    expect(approval.eventsUrl).toBe(`/v1/approvals/${approval.id}/events?token=${token}`);
    for (const form of [
      BANK_APP.id,
      Buffer.from(BANK_APP.id).toString('base64url'),
      Buffer.from(`"${BANK_APP.id}"`).toString('base64url').slice(0, 8),
    ]) {
      expect(token).not.toContain(form);
    }
  });

  it('gives the same eventsUrl to every read within one issue window, and a fresh one (renewal) after it', async () => {
    const approval = await createPending();
    let [a, b] = [await bank.get(approval.id), await bank.get(approval.id)];
    // Two reads straddling a window boundary: read twice more, now well inside one window.
    if (a.body.eventsUrl !== b.body.eventsUrl) [a, b] = [await bank.get(approval.id), await bank.get(approval.id)];
    expect(a.body.eventsUrl).toBe(b.body.eventsUrl);
    const later = tokens.issue(approval.id, BANK_APP.id, undefined, Date.now() + 120_000);
    expect(later).not.toBe(tokenOf(a.body.eventsUrl!));
  });

  it('answers an expired token with 401, and says how to get a fresh one', async () => {
    const approval = await createPending();
    const old = tokens.issue(approval.id, BANK_APP.id, undefined, Date.now() - (t.config.sse.tokenTtlS + 120) * 1000);
    const refused = await follow(withToken(approval.id, old));
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'unauthenticated', detail: expect.stringMatching(/read the approval again/) });
    // The owner renews by reading the approval: its eventsUrl carries a fresh token.
    const renewed = (await bank.get(approval.id)).body.eventsUrl!;
    expect((await follow(renewed)).status).toBe(200);
  });

  it('still opens a decided approval within the grace, and answers 401 after the terminal event plus grace', async () => {
    const approval = await createPending();
    const token = tokenOf(approval.eventsUrl!);
    await t.sim.approve(approval.id);
    await t.events.waitFor(approval.id, 'terminal');
    const late = await follow(withToken(approval.id, token));
    expect(late.status).toBe(200);
    expect((await late.nextEvent()).event).toBe('approval.pending');
    expect((await late.nextEvent()).event).toBe('approval.approved');
    const decided = (await bank.get(approval.id)).body;
    const graceEndMs = Date.parse(decided.decidedAt!) + t.config.sse.tokenGraceS * 1000;
    expect(await tokens.verify(token, recordOf(decided), graceEndMs - 1000)).toBe(true);
    expect(await tokens.verify(token, recordOf(decided), graceEndMs + 1000)).toBe(false);
    // Over HTTP: with the grace over (a zero grace here), the same token is refused.
    const grace = t.config.sse.tokenGraceS;
    t.config.sse.tokenGraceS = 0;
    try {
      expect((await follow(withToken(approval.id, token))).status).toBe(401);
    } finally {
      t.config.sse.tokenGraceS = grace;
    }
  });

  it('refuses tampered tokens with 401', async () => {
    const [first, second] = [await createPending(), await createPending()];
    const token = tokenOf(first.eventsUrl!);
    const [kid, issued, mac] = token.split('.');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [
      `${kid}.${issued}.${flip(mac, 0)}`,
      `${kid}.${(parseInt(issued, 36) + 60).toString(36)}.${mac}`,
      `${kid}x.${issued}.${mac}`,
      `${kid}.${issued}.${tokenOf(second.eventsUrl!).split('.')[2]}`,
      `${kid}.${issued}.${mac}A`,
    ]) {
      expect({ bad, status: (await follow(withToken(first.id, bad))).status }).toEqual({ bad, status: 401 });
    }
    expect((await follow(withToken(second.id, token))).status).toBe(401);
  });

  it('rotates the key: new tokens use the new kid, old ones verify until they expire, the old key signs nothing new', async () => {
    const approval = await createPending();
    const oldToken = tokenOf(approval.eventsUrl!);
    const oldKid = oldToken.split('.')[0];
    const rotatedAt = Date.now();
    const newKid = await tokens.rotate(rotatedAt);
    expect(newKid).not.toBe(oldKid);

    const fresh = tokenOf((await bank.get(approval.id)).body.eventsUrl!);
    expect(fresh.split('.')[0]).toBe(newKid);
    expect((await follow(withToken(approval.id, fresh))).status).toBe(200);
    expect((await follow(withToken(approval.id, oldToken))).status).toBe(200);
    const record = recordOf(approval);
    const issuedMs = parseInt(oldToken.split('.')[1], 36) * 1000;
    expect(await tokens.verify(oldToken, record, issuedMs + (t.config.sse.tokenTtlS - 10) * 1000)).toBe(true);
    expect(await tokens.verify(oldToken, record, issuedMs + (t.config.sse.tokenTtlS + 10) * 1000)).toBe(false);

    // Someone holding the retired secret cannot mint tokens dated after the rotation.
    const stored = JSON.parse((await t.redis.hget(`${t.prefix}:secret:events-token-keys`, `key:${oldKid}`)) as string) as {
      secret: string;
    };
    const issued = Math.floor((rotatedAt + 5 * 60_000) / 60_000) * 60;
    const mac = createHmac('sha256', Buffer.from(stored.secret, 'base64'))
      .update(JSON.stringify(['eventsUrl', oldKid, issued, approval.id, BANK_APP.id]))
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    expect(await tokens.verify(`${oldKid}.${issued.toString(36)}.${mac}`, record, issued * 1000 + 1000)).toBe(false);
  });
});
