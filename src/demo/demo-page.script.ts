import { DEMO_CIBA_SCRIPT } from './demo-page-ciba.script';
import { DEMO_PHONE_SCRIPT } from './demo-page-phone.script';
import { DEMO_RECEIPT_SCRIPT } from './demo-page-receipt.script';

/**
 * The demo page's browser code: plain ES2019, inlined (no bundler). It follows the approval with
 * EventSource on the eventsUrl it is given, exactly as a bank's own frontend would.
 * Written without template literals, so that these TypeScript strings can hold it verbatim.
 */
const DEMO_BANK_SCRIPT = String.raw`
  var STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'failed'];
  var TEXT = {
    creating: ['Sending the request…', 'Asking the bank to start an approval.'],
    pending: ['Waiting for approval on your phone', "Approve or reject it on your phone: in the Recognize app, or in the bank's app."],
    approved: ['Approved', 'Confirmed on your phone: the wire is on its way.'],
    rejected: ['Rejected', 'Declined on your phone: the wire was not sent.'],
    expired: ['Expired', 'No answer in time: the wire was not sent.'],
    cancelled: ['Cancelled', 'The bank withdrew the request: the wire was not sent.'],
    failed: ['Failed', 'The operation disappeared at Recognize: the wire was not sent.'],
    error: ['Could not start the approval', ''],
    lost: ['Lost the event stream', 'The stream closed before an outcome; send the wire again to retry.']
  };
  var HEX = /^[0-9A-Fa-f]{1,128}$/;
  function $(id) { return document.getElementById(id); }
  var form = $('wire-form'), userInput = $('user-id'), amountInput = $('amount'), currencyInput = $('currency');
  var payeeInput = $('payee-name'), accountInput = $('payee-account');
  var preview = $('message-preview'), submit = $('submit'), cancel = $('cancel');
  var statusBox = $('status'), statusTitle = $('status-title'), statusDetail = $('status-detail');
  var meta = $('status-meta'), approvalId = $('approval-id'), when = $('approval-when'), timeline = $('timeline');
  var stream = null, busy = false, current = null, ticker = null;

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency }).format(Number(amount));
    } catch (e) {
      return amount + ' ' + currency;
    }
  }

  function transaction() {
    var amount = amountInput.value.trim(), name = payeeInput.value.trim(), account = accountInput.value.trim();
    if (!amount || !name || !account) return null;
    return { amount: amount, currency: currencyInput.value, payee: { name: name, account: account } };
  }

  /** The message the service writes from the transaction (phoneMessageFor), as the phone will show it. */
  function message(t) {
    return 'Approve payment of ' + t.amount + ' ' + t.currency + '\nto ' + t.payee.name + '\naccount ' + t.payee.account;
  }

  function refreshForm() {
    var t = transaction();
    preview.textContent = t ? message(t) : 'Enter an amount, a payee and their account';
    submit.disabled = busy || !t || !HEX.test(userInput.value.trim());
  }

  function show(state, detail) {
    statusBox.hidden = false;
    statusBox.dataset.status = state;
    statusTitle.textContent = TEXT[state][0];
    statusDetail.textContent = detail || TEXT[state][1];
    cancel.hidden = state !== 'pending';
    if (state !== 'pending') stopCountdown();
    if (state === 'error' || state === 'creating') meta.hidden = true;
  }

  function countdown(expiresAt) {
    stopCountdown();
    function tick() {
      var left = Math.max(0, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));
      when.textContent = left > 0 ? '· expires in ' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') : '· expiring…';
    }
    tick();
    ticker = setInterval(tick, 1000);
  }

  function stopCountdown() {
    if (ticker) clearInterval(ticker);
    ticker = null;
  }

  /** Event types as a person says them; approved says how. */
  function eventName(event) {
    var status = event.type.replace('approval.', '');
    if (status === 'approved') return event.data.approvedBy === 'signature' ? "Approved in the bank's app (signed)" : 'Approved on the phone' + how(event.data);
    return { pending: 'Sent to the phone', rejected: 'Rejected on the phone', expired: 'Expired', cancelled: 'Cancelled', failed: 'Failed at Recognize' }[status] || event.type;
  }

  function how(data) {
    return data.authType ? ' (' + (data.authType === 'pin' ? 'PIN' : 'biometrics') + ')' : '';
  }

  function addEvent(event) {
    var item = document.createElement('li');
    var name = document.createElement('strong');
    name.textContent = eventName(event);
    name.title = event.type;
    item.appendChild(name);
    item.appendChild(document.createTextNode(' at ' + new Date(event.createdAt).toLocaleTimeString()));
    timeline.appendChild(item);
  }

  async function problemOf(response) {
    try {
      var body = await response.json();
      return body.detail || body.title || ('HTTP ' + response.status);
    } catch (e) {
      return 'HTTP ' + response.status;
    }
  }

  function decided(status, data) {
    var detail;
    if (status === 'approved') {
      detail = data.approvedBy === 'signature'
        ? "Confirmed in the bank's app with a transaction signed by Recognize: the wire is on its way."
        : TEXT.approved[1].replace(':', how(data) + ':');
    }
    show(status, detail);
    when.textContent = data.decidedAt ? '· decided at ' + new Date(data.decidedAt).toLocaleTimeString() : '';
    if (status === 'approved' && data.receipt) showReceipt(data.receipt, data.transactionData);
  }

  function follow(approval) {
    var source = new EventSource(approval.eventsUrl);
    stream = source;
    STATUSES.forEach(function (status) {
      source.addEventListener('approval.' + status, function (message) {
        var event = JSON.parse(message.data);
        addEvent(event);
        if (status === 'pending') return;
        source.close();
        stream = null;
        decided(status, event.data);
        phone.refresh();
      });
    });
    // A network blip reconnects by itself (with Last-Event-ID); CLOSED means the server refused the stream.
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED && stream === source) show('lost');
    };
  }

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    if (stream) stream.close();
    stream = null;
    current = null;
    timeline.replaceChildren();
    $('receipt').hidden = true;
    busy = true;
    refreshForm();
    show('creating');
    try {
      var response = await fetch('/demo/approvals', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ userId: userInput.value.trim(), transaction: transaction() })
      });
      if (!response.ok) return show('error', await problemOf(response));
      var approval = await response.json();
      current = approval;
      approvalId.textContent = approval.id;
      meta.hidden = false;
      show('pending');
      countdown(approval.expiresAt);
      follow(approval);
      phone.refresh();
    } catch (err) {
      show('error', 'The bank is unreachable: ' + err.message);
    } finally {
      busy = false;
      refreshForm();
    }
  });

  cancel.addEventListener('click', async function () {
    if (!current) return;
    cancel.disabled = true;
    try {
      var response = await fetch('/demo/approvals/' + encodeURIComponent(current.id) + '/cancel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: '{}'
      });
      // The outcome arrives on the event stream; a refusal (already decided) is said here.
      if (!response.ok) statusDetail.textContent = await problemOf(response);
    } catch (err) {
      statusDetail.textContent = 'The bank is unreachable: ' + err.message;
    } finally {
      cancel.disabled = false;
    }
  });

  [userInput, amountInput, currencyInput, payeeInput, accountInput].forEach(function (input) { input.addEventListener('input', refreshForm); });
  userInput.addEventListener('change', function () { phone.refresh(); });

  var phone = document.body.dataset.phone === 'true' ? simulatedPhone() : { refresh: function () {} };
  refreshForm();
  phone.refresh();
`;

export const DEMO_PAGE_SCRIPT = `
(function () {
  'use strict';
${DEMO_BANK_SCRIPT}
${DEMO_RECEIPT_SCRIPT}
${DEMO_PHONE_SCRIPT}
${DEMO_CIBA_SCRIPT}
})();
`;
