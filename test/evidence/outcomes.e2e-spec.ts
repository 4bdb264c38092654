import { randomUUID } from 'node:crypto';
import { eventually } from '../helpers/eventually';
import { newUserId, useTestApp } from '../helpers/test-app';

/**
 * The v2 outcome rules end to end: a decision whose answer arrives after expiresAt counts only where
 * Recognize's telemetry dates it in time; an answer about another operation never decides.
 */
describe('Outcomes that cannot lie (contract v2, "Outcome rules")', () => {
  const app = useTestApp();

  const getsSoFar = async () => (await app.t.sim.stats()).requests.get;

  /**
   * Creates an approval of `timeoutSeconds` whose polls are held by the simulator: the first poll's
   * GET is in flight (answered only when the faults are cleared) when this resolves.
   */
  async function createWithHeldPoll(timeoutSeconds: number) {
    const id = `late-${randomUUID()}`;
    // Added before the approval exists, so that its very first poll is held.
    await app.t.sim.fault({ route: 'get', operationId: id, delayMs: 60_000 });
    const gets = await getsSoFar();
    const res = await app.bank.create({
      userId: newUserId(),
      operationId: id,
      message: 'Approve wire transfer of €500 to ACME',
      timeoutSeconds,
    });
    expect(res.status).toBe(201);
    await eventually(async () => (await getsSoFar()) > gets, 'the first poll reached the simulator');
    return { id, expiresAtMs: Date.parse(res.body.expiresAt) };
  }

  const passed = (atMs: number) =>
    eventually(() => Date.now() > atMs, `the clock passed ${new Date(atMs).toISOString()}`, { timeoutMs: 30_000 });

  it('ends expired when the user approved after expiresAt, even though the final answer says approved', async () => {
    const { id, expiresAtMs } = await createWithHeldPoll(2);
    await passed(expiresAtMs + 300);
    await app.t.sim.approve(id, 'biom');
    await app.t.sim.clearFaults(); // the held poll now answers: approved, after expiresAt
    const terminal = await app.t.events.waitFor(id, 'terminal');
    expect(terminal.event.type).toBe('approval.expired');
    expect((await app.bank.get(id)).body).toMatchObject({ status: 'expired' });
    expect((await app.bank.get(id)).body).not.toHaveProperty('authType');
  });

  it('ends approved, with the authentication details, when the user approved in time and the answer came late', async () => {
    const { id, expiresAtMs } = await createWithHeldPoll(2);
    await app.t.sim.approve(id, 'pin', 'device-late-1');
    await passed(expiresAtMs + 300);
    await app.t.sim.clearFaults(); // the held poll answers after expiresAt; telemetry dates the approval before it
    const terminal = await app.t.events.waitFor(id, 'terminal');
    expect(terminal.event.type).toBe('approval.approved');
    const read = (await app.bank.get(id)).body;
    expect(read).toMatchObject({
      status: 'approved',
      authType: 'pin',
      authentication: { result: 'APPROVED', authType: 'pin', deviceId: 'device-late-1' },
    });
    // Recognize writes times without an offset; the service stores them as ISO 8601 UTC.
    const { createdAt } = read.authentication as { createdAt: string };
    expect(createdAt).toMatch(/Z$/);
    expect(Date.parse(createdAt)).toBeLessThanOrEqual(expiresAtMs);
  });

  it("puts Recognize's authentication details on the approval before its terminal event: the event's data equals GET", async () => {
    const res = await app.bank.create({ userId: newUserId(), message: 'Approve login' });
    await app.t.sim.approve(res.body.id, 'biom', 'device-7f3a');
    const terminal = await app.t.events.waitFor(res.body.id, 'terminal');
    expect(terminal.event.data).toMatchObject({
      status: 'approved',
      authType: 'biom',
      authentication: { result: 'APPROVED', deviceId: 'device-7f3a', createdAt: expect.any(String) },
    });
    const { eventsUrl: _eventsUrl, deliveries: _deliveries, ...read } = (await app.bank.get(res.body.id)).body;
    const { eventsUrl: _u, ...data } = terminal.event.data;
    expect(data).toEqual(read);
  });

  it('never decides on an answer about another operation: it is retried like an outage until the answer is right', async () => {
    const id = `mixup-${randomUUID()}`;
    await app.t.sim.fault({ route: 'get', operationId: id, answerOperationId: `other-${randomUUID()}` });
    const res = await app.bank.create({ userId: newUserId(), operationId: id, message: 'Approve wire transfer', timeoutSeconds: 60 });
    expect(res.status).toBe(201);
    await app.t.sim.approve(id, 'biom');
    const gets = await getsSoFar();
    await eventually(async () => (await getsSoFar()) >= gets + 3, 'three polls answered about another operation');
    expect((await app.bank.get(id)).body.status).toBe('pending');
    expect(app.t.events.all(id).map((e) => e.event.type)).toEqual(['approval.pending']);
    await app.t.sim.clearFaults();
    expect((await app.t.events.waitFor(id, 'terminal', 45_000)).event.type).toBe('approval.approved');
  });
});
