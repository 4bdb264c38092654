import { existsSync } from 'node:fs';
import { Browser, Page, chromium } from 'playwright-core';
import { TestApp, newUserId, startTestApp } from './helpers/test-app';

/** Debian's chromium (scripts/test installs it); the test never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Generous: the machine running the tests may be busy; nothing here asserts on speed. */
const STEP_TIMEOUT_MS = 30_000;

describe('Demo page in a real browser (chromium, development client, bundled simulator)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as scripts/test does`);
    }
    // CLIENTS '' counts as unset: the development client is in use, so the demo is served.
    t = await startTestApp({ CLIENTS: '' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
  });
  afterEach(() => page.close());

  /** Fills the bank form as a user would and sends it; returns the approval id the page shows. */
  async function sendWire(userId: string, amount: string, account: string): Promise<string> {
    await page.goto(`${t.url}/demo`);
    await page.getByLabel('User ID').fill(userId);
    await page.getByLabel('Amount').fill(amount);
    await page.getByLabel('To account').fill(account);
    await page.getByRole('button', { name: 'Send wire' }).click();
    const status = page.getByTestId('approval-status');
    await status.and(page.locator('[data-status="pending"]')).waitFor();
    expect(await status.textContent()).toContain('Waiting for approval on your phone');
    const id = (await page.locator('#approval-id').textContent())!.trim();
    expect(id).toMatch(/^op_/);
    return id;
  }

  /** The phone panel's card for one operation, once the phone has listed it. */
  async function phoneRequest(operationId: string, message: string) {
    const request = page.getByRole('list', { name: 'Pending operations' }).getByRole('listitem').filter({ hasText: operationId });
    await request.waitFor();
    expect(await request.textContent()).toContain(message);
    return request;
  }

  async function outcome(status: string): Promise<string> {
    const box = page.getByTestId('approval-status').and(page.locator(`[data-status="${status}"]`));
    await box.waitFor();
    return (await box.textContent()) ?? '';
  }

  it('shows approved after the user approves the wire on the phone', async () => {
    const id = await sendWire(newUserId(), '500', '1234');
    const request = await phoneRequest(id, 'Wire $500 to account 1234');
    await request.getByRole('button', { name: 'Approve' }).click();

    expect(await outcome('approved')).toContain('Approved');
    await request.waitFor({ state: 'detached' });
    const events = await page.getByRole('list', { name: 'Events received' }).getByRole('listitem').allTextContents();
    expect(events.map((e) => e.split(' ')[0])).toEqual(['approval.pending', 'approval.approved']);
  });

  it('shows rejected after the user rejects the wire on the phone', async () => {
    const id = await sendWire(newUserId(), '1250.50', '9876');
    const request = await phoneRequest(id, 'Wire $1,250.50 to account 9876');
    await request.getByRole('button', { name: 'Reject' }).click();

    expect(await outcome('rejected')).toContain('Rejected');
    expect((await t.events.waitFor(id, 'terminal')).event.type).toBe('approval.rejected');
  });

  it('names the field when the bank refuses the request', async () => {
    await page.goto(`${t.url}/demo`);
    await page.getByLabel('User ID').fill('DEADBEEF');
    await page.getByRole('button', { name: 'Send wire' }).click();
    expect(await outcome('error')).toContain('DEADBEEF');
  });
});
