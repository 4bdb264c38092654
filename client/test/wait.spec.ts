import type { ServerResponse } from 'node:http';
import { NotFoundError, StepupClient, type ApprovalEvent } from '../src/index';
import { json, makeApproval, problem, TestServer, type RecordedRequest } from './test-server';

const EVENTS_PATH = '/v1/approvals/op-1/events';
const pending = makeApproval();
const approved = makeApproval({ status: 'approved', decidedAt: '2026-12-01T10:00:03.000Z', receipt: 'r.e.c' });

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  // A short reconnection delay keeps the resume tests quick; the service sends 3000.
  res.write('retry: 5\n\n');
}

function sendEvent(res: ServerResponse, seq: number, data: Record<string, unknown>): void {
  const event = { id: `evt_${seq}`, type: `approval.${String(data.status)}`, createdAt: '2026-12-01T10:00:00.000Z', data };
  res.write(`id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

describe('StepupClient.waitForDecision', () => {
  let server: TestServer;
  let sut: StepupClient;

  beforeAll(async () => {
    server = await TestServer.start();
    sut = new StepupClient({ baseUrl: server.url, apiKey: 'key-0123456789abcdef' });
  });
  afterAll(() => server.close());

  it('resolves with the terminal event of the stream', async () => {
    server.handle((_req, res) => {
      openStream(res);
      sendEvent(res, 1, pending);
      sendEvent(res, 2, approved);
      res.end();
    });
    const seen: ApprovalEvent[] = [];

    const decided = await sut.waitForDecision('op-1', { onEvent: (event) => seen.push(event) });

    expect(decided).toEqual(approved);
    expect(seen.map((event) => event.type)).toEqual(['approval.pending', 'approval.approved']);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ path: EVENTS_PATH });
    expect(server.requests[0].headers).toMatchObject({ authorization: 'Bearer key-0123456789abcdef', accept: 'text/event-stream' });
  });

  it('resumes with Last-Event-ID after the connection drops', async () => {
    server.handle((req, res) => {
      openStream(res);
      if (!req.headers['last-event-id']) {
        sendEvent(res, 1, pending);
        // The connection breaks mid-stream, once the event is on the wire, without a clean end.
        res.write(': flushed\n\n', () => res.socket?.destroy());
        return;
      }
      sendEvent(res, 2, approved);
      res.end();
    });

    const decided = await sut.waitForDecision('op-1');

    expect(decided.status).toBe('approved');
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1']);
  });

  it('resumes with Last-Event-ID after the stream ends without a terminal event', async () => {
    server.handle((req, res) => {
      openStream(res);
      if (!req.headers['last-event-id']) sendEvent(res, 1, pending);
      else sendEvent(res, 2, approved);
      res.end();
    });

    await expect(sut.waitForDecision('op-1')).resolves.toMatchObject({ status: 'approved' });
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1']);
  });

  it("opens the approval's eventsUrl with its token and without the API key", async () => {
    server.handle((_req, res) => {
      openStream(res);
      sendEvent(res, 1, approved);
      res.end();
    });

    await sut.waitForDecision('op-1', { eventsUrl: `${EVENTS_PATH}?token=tok-1` });

    expect(server.requests[0].path).toBe(EVENTS_PATH);
    expect(server.requests[0].query.get('token')).toBe('tok-1');
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it.each([
    ['answers 500', (res: ServerResponse) => problem(res, 500, 'internal_error')],
    ['is not an event stream', (res: ServerResponse) => json(res, 200, { hello: 'proxy' })],
    ['is refused with 401 (an expired token)', (res: ServerResponse) => problem(res, 401, 'unauthenticated')],
  ])('falls back to long-polling GET ?wait=30 when the stream %s', async (_case, refuseStream) => {
    server.handle((req, res) => (req.path === EVENTS_PATH ? refuseStream(res) : json(res, 200, approved)));

    await expect(sut.waitForDecision('op-1')).resolves.toEqual(approved);
    const [longPoll] = server.to('/v1/approvals/op-1');
    expect(longPoll.query.get('wait')).toBe('30');
    expect(longPoll.headers.authorization).toBe('Bearer key-0123456789abcdef');
  });

  it('long-polls again while the approval is still pending', async () => {
    let polls = 0;
    server.handle((req, res) => {
      if (req.path === EVENTS_PATH) return problem(res, 503, 'recognize_unavailable');
      polls += 1;
      json(res, 200, polls === 1 ? pending : approved);
    });

    await expect(sut.waitForDecision('op-1')).resolves.toEqual(approved);
    expect(server.to('/v1/approvals/op-1').map((r: RecordedRequest) => r.query.get('wait'))).toEqual(['30', '30']);
  });

  it('falls back to long-polling when the stream keeps ending without news', async () => {
    server.handle((req, res) => {
      if (req.path === EVENTS_PATH) {
        openStream(res);
        return void res.end();
      }
      json(res, 200, approved);
    });

    await expect(sut.waitForDecision('op-1')).resolves.toEqual(approved);
    expect(server.to(EVENTS_PATH)).toHaveLength(3);
  });

  it('reads the approval when the stream answers 204 (its terminal event was already sent)', async () => {
    server.handle((req, res) => {
      if (req.path === EVENTS_PATH) return void res.writeHead(204).end();
      json(res, 200, approved);
    });

    await expect(sut.waitForDecision('op-1')).resolves.toEqual(approved);
  });

  it('throws NotFoundError for an approval that does not exist', async () => {
    server.handle((_req, res) => problem(res, 404, 'approval_not_found'));

    await expect(sut.waitForDecision('op-1')).rejects.toBeInstanceOf(NotFoundError);
    expect(server.requests).toHaveLength(1);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    server.handle((_req, res) => {
      openStream(res);
      sendEvent(res, 1, pending);
    });

    const waiting = sut.waitForDecision('op-1', { signal: controller.signal, onEvent: () => controller.abort(new Error('user left')) });

    await expect(waiting).rejects.toThrow('user left');
  });
});
