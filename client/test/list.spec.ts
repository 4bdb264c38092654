import { StepupClient } from '../src/index';
import { json, makeApproval, TestServer } from './test-server';

const PAGES: Record<string, { ids: string[]; next: string | null }> = {
  first: { ids: ['op-5', 'op-4'], next: 'c2' },
  c2: { ids: ['op-3', 'op-2'], next: 'c3' },
  c3: { ids: ['op-1'], next: null },
};

describe('StepupClient.listApprovals', () => {
  let server: TestServer;
  let sut: StepupClient;

  beforeAll(async () => {
    server = await TestServer.start();
    sut = new StepupClient({ baseUrl: server.url, apiKey: 'key-0123456789abcdef' });
  });
  beforeEach(() =>
    server.handle((req, res) => {
      const page = PAGES[req.query.get('cursor') ?? 'first'];
      json(res, 200, { data: page.ids.map((id) => makeApproval({ id, operationId: id })), nextCursor: page.next });
    }),
  );
  afterAll(() => server.close());

  it('iterates every item, following nextCursor until it is null', async () => {
    const ids: string[] = [];
    for await (const approval of sut.listApprovals({ userId: 'a1b2', status: 'approved', limit: 2 })) ids.push(approval.id);

    expect(ids).toEqual(['op-5', 'op-4', 'op-3', 'op-2', 'op-1']);
    expect(server.requests.map((r) => r.query.get('cursor'))).toEqual([null, 'c2', 'c3']);
    for (const request of server.requests) {
      expect(request.path).toBe('/v1/approvals');
      expect(request.query.get('userId')).toBe('a1b2');
      expect(request.query.get('status')).toBe('approved');
      expect(request.query.get('limit')).toBe('2');
    }
  });

  it('fetches no further page when iteration stops early', async () => {
    for await (const approval of sut.listApprovals()) {
      if (approval.id === 'op-4') break;
    }

    expect(server.requests).toHaveLength(1);
    expect([...server.requests[0].query.keys()]).toEqual([]);
  });

  it('hands out single pages by cursor', async () => {
    const list = sut.listApprovals({ limit: 2 });

    const first = await list.page();
    const second = await list.page(first.nextCursor);

    expect(first).toMatchObject({ nextCursor: 'c2' });
    expect(second.data.map((a) => a.id)).toEqual(['op-3', 'op-2']);
    expect(server.requests.map((r) => r.query.get('cursor'))).toEqual([null, 'c2']);
  });

  it('iterates whole pages', async () => {
    const sizes: number[] = [];
    for await (const page of sut.listApprovals().pages()) sizes.push(page.data.length);

    expect(sizes).toEqual([2, 2, 1]);
  });
});
