import { existsSync } from 'node:fs';
import { Browser, Page, chromium } from 'playwright-core';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

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

  interface Payment {
    amount: string;
    currency: string;
    payee: string;
    account: string;
  }
  const PAYMENT: Payment = { amount: '1250.00', currency: 'EUR', payee: 'ACME Ltd', account: 'DE89370400440532013000' };

  /** Fills the bank form as a user would and sends it; returns the approval id the page shows. */
  async function sendWire(userId: string, payment: Payment): Promise<string> {
    await page.goto(`${t.url}/demo`);
    await page.getByLabel('User ID').fill(userId);
    await page.getByLabel('Amount').fill(payment.amount);
    await page.getByLabel('Currency').selectOption(payment.currency);
    await page.getByLabel('Payee', { exact: true }).fill(payment.payee);
    await page.getByLabel('Payee account').fill(payment.account);
    await page.getByRole('button', { name: 'Send wire' }).click();
    const status = page.getByTestId('approval-status');
    await status.and(page.locator('[data-status="pending"]')).waitFor();
    expect(await status.textContent()).toContain('Waiting for approval on your phone');
    await page.getByText(/expires in \d+:\d\d/).waitFor();
    const id = (await page.locator('#approval-id').textContent())!.trim();
    expect(id).toMatch(/^op_/);
    return id;
  }

  /** The phone panel's card for one operation, once the phone has listed it. */
  function phoneRequest(operationId: string) {
    return page.getByRole('list', { name: 'Pending operations' }).locator(`li[data-operation-id="${operationId}"]`);
  }

  async function outcome(status: string): Promise<string> {
    const box = page.getByTestId('approval-status').and(page.locator(`[data-status="${status}"]`));
    await box.waitFor();
    return (await box.textContent()) ?? '';
  }

  function timeline(): Promise<string[]> {
    return page.getByRole('list', { name: 'Events received' }).getByRole('listitem').locator('strong').allTextContents();
  }

  it('shows the payment on the phone and approved after the user approves it there', async () => {
    const id = await sendWire(newUserId(), { ...PAYMENT, amount: '500.00', currency: 'USD' });
    const request = phoneRequest(id);
    await request.waitFor();
    const text = (await request.textContent()) ?? '';
    expect(text).toContain('$500.00');
    expect(text).toContain('to ACME Ltd');
    expect(text).toContain(PAYMENT.account);
    expect(text).not.toContain(id);
    await request.getByRole('button', { name: 'Approve', exact: true }).click();

    const card = await outcome('approved');
    expect(card).toContain('Approved');
    expect(card).not.toContain('expires');
    await request.waitFor({ state: 'detached' });
    await page.getByTestId('receipt-check').and(page.locator('[data-state="verified"]')).waitFor();
    expect(await timeline()).toEqual(['Sent to the phone', 'Approved on the phone (biometrics)']);
  });

  it("approves in the bank's app: the receipt's claims shown and verified with the published key set", async () => {
    const userId = newUserId();
    const id = await sendWire(userId, PAYMENT);
    const request = phoneRequest(id);
    await request.waitFor();
    expect(await request.textContent()).toContain('€1,250.00');
    await request.getByRole('button', { name: "Approve in the bank's app" }).click();

    expect(await outcome('approved')).toContain("Confirmed in the bank's app");
    const check = page.getByTestId('receipt-check').and(page.locator('[data-state="verified"]'));
    await check.waitFor();
    const { keys } = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(await check.textContent()).toBe(`verified ✓ with key ${keys[0].kid}`);
    const receipt = (await page.getByTestId('receipt').textContent()) ?? '';
    for (const claim of [id, userId, 'signature', 'approved', 'dev-client']) expect(receipt).toContain(claim);
    // The browser also checked that the receipt's transactionHash is the SHA-256 of this payment's transactionData.
    expect(receipt).toContain('SHA-256 of this payment');
    expect(await timeline()).toEqual(['Sent to the phone', "Approved in the bank's app (signed)"]);
    await request.waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1100, height: 860 });
    await page.screenshot({ path: 'docs/demo.png', fullPage: true });
  });

  it('cancels a pending request: the card says cancelled and the request leaves the phone', async () => {
    const id = await sendWire(newUserId(), PAYMENT);
    const request = phoneRequest(id);
    await request.waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();

    expect(await outcome('cancelled')).toContain('Cancelled');
    await request.waitFor({ state: 'detached' });
    expect(await timeline()).toEqual(['Sent to the phone', 'Cancelled']);
    expect(await page.getByRole('button', { name: 'Cancel' }).isHidden()).toBe(true);
  });

  it('shows rejected after the user rejects the wire on the phone', async () => {
    const id = await sendWire(newUserId(), { ...PAYMENT, amount: '1250.50', currency: 'GBP' });
    const request = phoneRequest(id);
    await request.waitFor();
    await request.getByRole('button', { name: 'Reject' }).click();

    expect(await outcome('rejected')).toContain('Rejected');
    expect((await t.events.waitFor(id, 'terminal')).event.type).toBe('approval.rejected');
  });

  it('names the problem when the bank refuses the request, with no approval line', async () => {
    await page.goto(`${t.url}/demo`);
    await page.getByLabel('User ID').fill('DEADBEEF');
    await page.getByRole('button', { name: 'Send wire' }).click();
    expect(await outcome('error')).toContain('DEADBEEF');
    expect(await page.locator('#status-meta').isHidden()).toBe(true);
  });
});
