import { TestApp, startTestApp } from '../helpers/test-app';

const ADMIN = { ADMIN_USERNAME: 'operator', ADMIN_PASSWORD: 'correct-horse-battery-staple' };

function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

describe('queue dashboard', () => {
  describe('without an admin credential', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it('does not exist', async () => {
      const response = await fetch(`${t.url}/admin/queues`, { headers: basic(ADMIN.ADMIN_USERNAME, ADMIN.ADMIN_PASSWORD) });
      expect(response.status).toBe(404);
      await response.body?.cancel();
    });
  });

  describe('with ADMIN_USERNAME and ADMIN_PASSWORD', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(ADMIN);
    });
    afterAll(async () => {
      await t.close();
    });

    it('asks for Basic credentials', async () => {
      const response = await fetch(`${t.url}/admin/queues`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      await response.body?.cancel();
    });

    it.each([
      ['a wrong password', basic(ADMIN.ADMIN_USERNAME, 'correct-horse-battery-stapl')],
      ['a wrong username', basic('operator2', ADMIN.ADMIN_PASSWORD)],
      ['a bearer token', { authorization: `Bearer ${ADMIN.ADMIN_PASSWORD}` }],
    ])('refuses %s', async (_case, headers) => {
      const response = await fetch(`${t.url}/admin/queues/api/queues`, { headers });
      expect(response.status).toBe(401);
      await response.body?.cancel();
    });

    it('serves the dashboard and the queues to the admin', async () => {
      const page = await fetch(`${t.url}/admin/queues`, { headers: basic(ADMIN.ADMIN_USERNAME, ADMIN.ADMIN_PASSWORD) });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      const api = await fetch(`${t.url}/admin/queues/api/queues`, { headers: basic(ADMIN.ADMIN_USERNAME, ADMIN.ADMIN_PASSWORD) });
      expect(api.status).toBe(200);
      const body = (await api.json()) as { queues: { name: string }[] };
      expect(body.queues.map((q) => q.name)).toContain('poll');
    });
  });
});
