import { randomBytes } from 'node:crypto';
import { demoAssets } from './demo-assets';

export const DEMO_DEFAULT_USER_ID = 'A1B2C3D4E5F6';

/** A few ISO 4217 codes with different minor units (JPY none, KWD three), enough to show the amount rules. */
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'KWD'];

export interface DemoPageOptions {
  clientId: string;
  /** The simulator is Recognize and its control API is known: the phone panel can approve and reject. */
  phone: boolean;
  /** The CIBA front door is on (OIDC_ISSUER): the page offers "Sign in with CIBA". */
  ciba?: boolean;
}

export interface RenderedPage {
  html: string;
  headers: Record<string, string>;
}

/**
 * The whole demo as one document. A fresh nonce per response lets only our own inline script and
 * style run (the page shows text typed by users and sent back by the phone), and connect-src 'self'
 * keeps the page talking to this service alone.
 */
export function renderDemoPage(options: DemoPageOptions): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    html: page(nonce, options),
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // eventsUrl carries a token: keep it out of Referer headers.
      'Referrer-Policy': 'no-referrer',
    },
  };
}

function page(nonce: string, { clientId, phone, ciba }: DemoPageOptions): string {
  const { script, styles } = demoAssets();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Step-up approval demo · Northwind Bank</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${styles}</style>
</head>
<body data-phone="${phone}">
<header class="topbar">
  <div class="brand"><span class="logo" aria-hidden="true">N</span> Northwind Bank</div>
  <div class="tag">Step-up approval demo · acting as client <code>${escapeHtml(clientId)}</code></div>
</header>
<main class="layout">
  <section class="card" aria-labelledby="bank-title">
    <h1 id="bank-title">Send a wire</h1>
    <p class="lead">A high-risk action: the bank asks you to confirm it on your phone before the money moves.</p>
    <form id="wire-form" autocomplete="off">
      <div class="field">
        <label for="user-id">User ID</label>
        <input id="user-id" name="userId" value="${DEMO_DEFAULT_USER_ID}" spellcheck="false" required>
      </div>
      <div class="row">
        <div class="field">
          <label for="amount">Amount</label>
          <input id="amount" name="amount" inputmode="decimal" value="500.00" spellcheck="false" required>
        </div>
        <div class="field">
          <label for="currency">Currency</label>
          <select id="currency" name="currency">${CURRENCIES.map((c) => `<option${c === 'EUR' ? ' selected' : ''}>${c}</option>`).join('')}</select>
        </div>
      </div>
      <div class="row">
        <div class="field">
          <label for="payee-name">Payee</label>
          <input id="payee-name" name="payeeName" value="ACME Ltd" required>
        </div>
        <div class="field">
          <label for="payee-account">Payee account</label>
          <input id="payee-account" name="payeeAccount" value="DE89370400440532013000" spellcheck="false" required>
        </div>
      </div>
      <div class="preview"><span class="label">Your phone will ask</span><strong id="message-preview"></strong></div>
      <button id="submit" class="primary" type="submit">Send wire</button>
    </form>
    <div id="status" class="status" role="status" aria-live="polite" data-testid="approval-status" hidden>
      <div class="status-icon" aria-hidden="true"></div>
      <div class="status-body">
        <div id="status-title" class="status-title"></div>
        <div id="status-detail"></div>
        <div id="status-meta" class="meta" hidden>Approval <code id="approval-id"></code> <span id="approval-when"></span></div>
        <button id="cancel" class="secondary" type="button" hidden>Cancel</button>
        <div id="receipt" class="receipt" data-testid="receipt" hidden>
          <div class="receipt-head">Receipt <span id="receipt-check" class="check" data-testid="receipt-check"></span></div>
          <dl id="receipt-claims"></dl>
        </div>
      </div>
    </div>
    <ol id="timeline" class="timeline" aria-label="Events received"></ol>
  </section>
  ${ciba ? cibaCard() : ''}
  <section class="phone-wrap" aria-labelledby="phone-title">
    <div class="phone"><div class="notch"></div><div class="screen">
      <div class="phone-head"><h2 id="phone-title">Recognize</h2><span>user <code id="phone-user">—</code></span></div>
      ${phone ? phoneInbox() : realPhoneNote()}
    </div></div>
    <p class="caption">${phone ? "The user's phone, played through the simulator." : 'Recognize is the real service: use the enrolled phone.'}</p>
  </section>
</main>
<script nonce="${nonce}">${script}</script>
</body>
</html>
`;
}

/** The OpenID way in: the same approval, asked for by an OpenID client over CIBA (poll mode). */
function cibaCard(): string {
  return `<section class="card ciba" aria-labelledby="ciba-title" data-testid="ciba">
    <h2 id="ciba-title">Or sign in with CIBA</h2>
    <p class="lead">The standard OpenID door to the same approvals: the bank's backend asks with an auth_req_id and polls the token endpoint.</p>
    <button id="ciba-start" class="primary" type="button">Sign in with CIBA</button>
    <label class="check-row"><input id="ciba-fast" type="checkbox"> Poll too fast (see slow_down)</label>
    <details><summary>Discovery document</summary><pre id="ciba-discovery" data-testid="ciba-discovery"></pre></details>
    <div class="meta">auth_req_id <code id="ciba-auth-req-id" data-testid="ciba-auth-req-id">—</code></div>
    <ol id="ciba-polls" class="timeline" aria-label="Token endpoint answers" data-testid="ciba-polls"></ol>
    <div id="ciba-outcome" class="status-title" role="status" aria-live="polite" data-testid="ciba-outcome" hidden></div>
    <dl id="ciba-claims" class="claims" data-testid="ciba-claims" hidden></dl>
  </section>`;
}

function phoneInbox(): string {
  return `<ul id="inbox" class="inbox" aria-label="Pending operations"></ul>
      <p id="inbox-empty" class="empty">Loading…</p>`;
}

function realPhoneNote(): string {
  return `<p class="empty">This service talks to PingOne Recognize. The user approves or rejects in the Recognize app on their enrolled phone; the outcome appears on the left.</p>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
