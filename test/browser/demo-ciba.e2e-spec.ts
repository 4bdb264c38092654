import { existsSync } from 'node:fs';
import { Browser, Page, chromium } from 'playwright-core';
import { freePort } from '../helpers/service-process';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/** Debian's chromium (scripts/test installs it), as in demo-browser.e2e-spec.ts. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

describe('Demo page in a real browser: Sign in with CIBA', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
    const port = await freePort();
    t = await startTestApp({ CLIENTS: '', OIDC_ISSUER: `http://127.0.0.1:${port}`, CIBA_INTERVAL_S: '1', PORT: String(port) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    page = await browser.newPage();
    page.setDefaultTimeout(30_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the discovery document, the auth_req_id, slow_down when polling too fast, and the verified ID token', async () => {
    const userId = newUserId();
    await page.goto(`${t.url}/demo`);
    await page.getByLabel('User ID').fill(userId);
    await page.getByLabel('Poll too fast (see slow_down)').check();
    await page.getByRole('button', { name: 'Sign in with CIBA' }).click();

    const polls = page.getByTestId('ciba-polls');
    await polls
      .getByText(/slow_down: polled too fast, interval now \d+ s/)
      .first()
      .waitFor();
    expect(await page.getByTestId('ciba-discovery').textContent()).toContain('"backchannel_authentication_endpoint"');
    expect((await page.getByTestId('ciba-auth-req-id').textContent())!.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const approvalId = /approval (op_[0-9a-f-]+)/.exec((await polls.textContent()) ?? '')![1];

    const request = page.getByRole('list', { name: 'Pending operations' }).locator(`li[data-operation-id="${approvalId}"]`);
    await request.getByRole('button', { name: 'Approve', exact: true }).click();

    await page.getByTestId('ciba-outcome').and(page.locator('[data-kind="ok"]')).waitFor();
    expect(await page.getByTestId('ciba-outcome').textContent()).toMatch(/ID token verified \(ES256, kid [A-Za-z0-9_-]+\)/);
    const claims = (await page.getByTestId('ciba-claims').textContent()) ?? '';
    for (const value of [userId, approvalId, 'dev-client', '["face"]']) expect(claims).toContain(value);
  });
});
