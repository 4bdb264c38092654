/** The demo page's stylesheet, inlined so the page needs no build step and no network beyond this service. */
export const DEMO_PAGE_STYLES = `
:root {
  --ink: #1c2333; --muted: #5b6478; --line: #e3e7f0; --bg: #f3f5fa; --card: #fff;
  --brand: #3b4fd8; --brand-dark: #2b3bb0;
  --pending: #b7791f; --pending-bg: #fff8e6; --approved: #1f8a4c; --approved-bg: #e9f8ef;
  --rejected: #c53030; --rejected-bg: #fdecec; --neutral: #4a5568; --neutral-bg: #eef1f6;
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body {
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: linear-gradient(180deg, #e8ecf8 0, var(--bg) 280px); min-height: 100vh;
}
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--neutral-bg); padding: 1px 5px; border-radius: 4px; }
.topbar { display: flex; justify-content: space-between; align-items: center; padding: 16px 32px; }
.brand { font-weight: 700; font-size: 18px; letter-spacing: .2px; display: flex; align-items: center; gap: 10px; }
.logo { display: inline-grid; place-items: center; width: 30px; height: 30px; border-radius: 8px; background: var(--brand); color: #fff; font-size: 15px; }
.tag { color: var(--muted); font-size: 13px; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 32px; max-width: 1040px; margin: 8px auto 48px; padding: 0 32px; align-items: start; }
@media (max-width: 820px) { .layout { grid-template-columns: 1fr; } }
@media (max-width: 480px) { .row { grid-template-columns: 1fr; gap: 0; } }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 16px; padding: 28px; box-shadow: 0 8px 28px rgba(28, 35, 51, .07); }
h1 { font-size: 22px; margin: 0 0 4px; }
.lead { color: var(--muted); margin: 0 0 22px; }
label { display: block; font-weight: 600; font-size: 13px; margin: 0 0 6px; }
input, select {
  width: 100%; font: inherit; padding: 10px 12px; border: 1px solid #cfd5e3; border-radius: 10px; background: #fbfcfe; color: var(--ink);
}
input:focus, select:focus { outline: 3px solid rgba(59, 79, 216, .18); border-color: var(--brand); }
.field { margin-bottom: 16px; }
.row { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.money { position: relative; }
.money span { position: absolute; left: 12px; top: 10px; color: var(--muted); }
.money input { padding-left: 26px; }
.preview { border: 1px dashed #cfd5e3; border-radius: 10px; padding: 12px 14px; margin: 4px 0 18px; background: #fafbff; }
.preview strong { white-space: pre-line; }
.preview .label { display: block; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .6px; }
button { font: inherit; font-weight: 600; border: 0; border-radius: 10px; padding: 11px 18px; cursor: pointer; }
button:disabled { opacity: .55; cursor: default; }
.primary { background: var(--brand); color: #fff; width: 100%; }
.primary:hover:not(:disabled) { background: var(--brand-dark); }
.status { display: flex; gap: 14px; align-items: flex-start; margin-top: 22px; padding: 16px; border-radius: 12px; background: var(--neutral-bg); border: 1px solid transparent; }
.status[hidden], .empty[hidden], .status [hidden] { display: none; }
.status-body { flex: 1; min-width: 0; }
.secondary { margin-top: 12px; background: #fff; color: var(--ink); border: 1px solid #cfd5e3; padding: 7px 16px; }
.secondary:hover:not(:disabled) { border-color: var(--muted); }
.receipt { margin-top: 14px; padding: 12px 14px; background: rgba(255, 255, 255, .75); border: 1px solid #bfe8cf; border-radius: 10px; font-size: 13px; }
.receipt-head { font-weight: 700; margin-bottom: 8px; display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
.check { font-weight: 600; color: var(--muted); }
.check[data-state="verified"] { color: var(--approved); }
.check[data-state="failed"] { color: var(--rejected); }
.receipt dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 3px 12px; margin: 0; }
.receipt dt { color: var(--muted); }
.receipt dd { margin: 0; font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.status-title { font-weight: 700; font-size: 17px; }
.status .meta { color: var(--muted); font-size: 12px; margin-top: 6px; }
.status-icon { flex: none; width: 34px; height: 34px; border-radius: 50%; display: grid; place-items: center; color: #fff; font-weight: 700; background: var(--neutral); }
.status[data-status="creating"] .status-icon, .status[data-status="pending"] .status-icon {
  background: transparent; border: 3px solid #f1dcae; border-top-color: var(--pending); animation: spin 1s linear infinite;
}
.status[data-status="pending"] { background: var(--pending-bg); border-color: #f3e2b8; }
.status[data-status="pending"] .status-title { color: var(--pending); }
.status[data-status="approved"] { background: var(--approved-bg); border-color: #bfe8cf; }
.status[data-status="approved"] .status-title { color: var(--approved); }
.status[data-status="approved"] .status-icon { background: var(--approved); }
.status[data-status="approved"] .status-icon::after { content: "\\2713"; }
.status[data-status="rejected"], .status[data-status="failed"], .status[data-status="error"] { background: var(--rejected-bg); border-color: #f5c6c6; }
.status[data-status="rejected"] .status-title, .status[data-status="failed"] .status-title, .status[data-status="error"] .status-title { color: var(--rejected); }
.status[data-status="rejected"] .status-icon, .status[data-status="failed"] .status-icon, .status[data-status="error"] .status-icon { background: var(--rejected); }
.status[data-status="rejected"] .status-icon::after, .status[data-status="failed"] .status-icon::after, .status[data-status="error"] .status-icon::after { content: "\\2715"; }
.status[data-status="expired"] .status-icon::after, .status[data-status="cancelled"] .status-icon::after, .status[data-status="lost"] .status-icon::after { content: "\\2013"; }
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .status-icon { animation: none !important; } }
.timeline { list-style: none; margin: 14px 0 0; padding: 0 0 0 6px; }
.timeline li { position: relative; padding: 2px 0 8px 18px; font-size: 13px; color: var(--muted); border-left: 2px solid var(--line); }
.timeline li::before { content: ""; position: absolute; left: -6px; top: 6px; width: 10px; height: 10px; border-radius: 50%; background: var(--brand); }
.timeline strong { color: var(--ink); font-weight: 600; }
.phone-wrap { position: sticky; top: 16px; }
.phone { background: #141824; border-radius: 40px; padding: 14px; box-shadow: 0 18px 40px rgba(20, 24, 36, .28); }
.notch { width: 110px; height: 20px; border-radius: 0 0 14px 14px; background: #141824; margin: 0 auto; position: relative; z-index: 1; }
.screen { background: #f7f8fc; border-radius: 28px; min-height: 520px; margin-top: -20px; padding: 34px 16px 18px; }
.phone-head { display: flex; justify-content: space-between; align-items: baseline; margin-bottom: 12px; }
.phone-head h2 { font-size: 17px; margin: 0; }
.phone-head span { color: var(--muted); font-size: 12px; }
.inbox { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; }
.request { background: #fff; border: 1px solid var(--line); border-radius: 16px; padding: 14px; box-shadow: 0 2px 8px rgba(28, 35, 51, .06); }
.request .kicker { font-size: 11px; text-transform: uppercase; letter-spacing: .6px; color: var(--brand); font-weight: 700; }
.request .what { font-weight: 600; margin: 4px 0 2px; }
.request .what { white-space: pre-line; }
.request .amount { font-size: 26px; font-weight: 700; margin: 6px 0 2px; letter-spacing: -.3px; }
.request .payee { font-weight: 600; }
.request .account { font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.request .actions { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin-top: 12px; }
.approve { background: var(--approved); color: #fff; }
.in-app { grid-column: 1 / -1; background: #fff; color: var(--brand); border: 1px solid #c5cdf5; }
.reject { background: #fff; color: var(--rejected); border: 1px solid #efb4b4; }
.request .error { color: var(--rejected); font-size: 12px; margin-top: 8px; }
.empty { color: var(--muted); text-align: center; font-size: 13px; margin: 48px 12px; }
.caption { color: var(--muted); font-size: 12px; text-align: center; margin: 12px 8px 0; }
@media (max-width: 820px) { .phone-wrap { position: static; width: 100%; max-width: 340px; justify-self: center; } }
.ciba pre { max-height: 220px; overflow: auto; font-size: 12px; background: #f6f7f9; padding: 8px; border-radius: 8px; }
.ciba .check-row { display: block; margin: 10px 0; font-size: 14px; }
.ciba li[data-kind="warn"] { color: #a05a00; }
.ciba li[data-kind="error"], .ciba [data-kind="error"] { color: #b42318; }
.ciba [data-kind="ok"] { color: #067647; }
.ciba .claims dt { font-weight: 600; }
.ciba .claims dd { margin: 0 0 6px; word-break: break-all; font-family: monospace; font-size: 12px; }
`;
