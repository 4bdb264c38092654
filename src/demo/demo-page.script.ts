/**
 * The demo page's browser code: plain ES2019, inlined (no bundler). It follows the approval with
 * EventSource on the eventsUrl it is given, exactly as a bank's own frontend would.
 * Written without template literals, so that this TypeScript string can hold it verbatim.
 */
export const DEMO_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'failed'];
  var TEXT = {
    creating: ['Sending the request…', 'Asking the bank to start an approval.'],
    pending: ['Waiting for approval on your phone', 'Open the Recognize app and approve or reject this wire.'],
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
  var form = $('wire-form'), userInput = $('user-id'), amountInput = $('amount'), accountInput = $('account');
  var preview = $('message-preview'), submit = $('submit');
  var statusBox = $('status'), statusTitle = $('status-title'), statusDetail = $('status-detail');
  var approvalId = $('approval-id'), expiry = $('approval-expiry'), timeline = $('timeline');
  var stream = null, busy = false;

  function message() {
    var amount = Number(amountInput.value), account = accountInput.value.trim();
    if (!isFinite(amount) || amount <= 0 || !account) return '';
    var money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: amount % 1 === 0 ? 0 : 2 }).format(amount);
    return 'Wire ' + money + ' to account ' + account;
  }

  function refreshForm() {
    var text = message();
    preview.textContent = text || 'Enter an amount and an account';
    submit.disabled = busy || !text || !HEX.test(userInput.value.trim());
  }

  function show(state, detail) {
    statusBox.hidden = false;
    statusBox.dataset.status = state;
    statusTitle.textContent = TEXT[state][0];
    statusDetail.textContent = detail || TEXT[state][1];
  }

  function addEvent(event) {
    var item = document.createElement('li');
    var type = document.createElement('code');
    type.textContent = event.type;
    item.appendChild(type);
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

  function follow(approval) {
    var source = new EventSource(approval.eventsUrl);
    stream = source;
    STATUSES.forEach(function (status) {
      source.addEventListener('approval.' + status, function (message) {
        var event = JSON.parse(message.data);
        addEvent(event);
        var how = event.data.authType ? ' (' + (event.data.authType === 'pin' ? 'PIN' : 'biometrics') + ')' : '';
        show(status, status === 'approved' ? TEXT.approved[1].replace(':', how + ':') : undefined);
        if (status !== 'pending') {
          source.close();
          stream = null;
        }
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
    timeline.replaceChildren();
    approvalId.textContent = '—';
    expiry.textContent = '';
    busy = true;
    refreshForm();
    show('creating');
    try {
      var response = await fetch('/demo/approvals', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ userId: userInput.value.trim(), message: message() })
      });
      if (!response.ok) return show('error', await problemOf(response));
      var approval = await response.json();
      approvalId.textContent = approval.id;
      expiry.textContent = ' · expires at ' + new Date(approval.expiresAt).toLocaleTimeString();
      show('pending');
      follow(approval);
      phone.refresh();
    } catch (err) {
      show('error', 'The bank is unreachable: ' + err.message);
    } finally {
      busy = false;
      refreshForm();
    }
  });
  [userInput, amountInput, accountInput].forEach(function (input) { input.addEventListener('input', refreshForm); });
  userInput.addEventListener('change', function () { phone.refresh(); });

  var phone = document.body.dataset.phone === 'true' ? simulatedPhone() : { refresh: function () {} };
  refreshForm();
  phone.refresh();

  /** The phone panel: the user's pending operations, kept in place between refreshes so buttons stay put. */
  function simulatedPhone() {
    var inbox = $('inbox'), empty = $('inbox-empty'), phoneUser = $('phone-user');
    var items = new Map(), generation = 0;

    function render(operations, note) {
      var seen = new Set();
      operations.forEach(function (operation) {
        seen.add(operation.operationId);
        if (!items.has(operation.operationId)) {
          var item = request(operation);
          items.set(operation.operationId, item);
          inbox.appendChild(item);
        }
      });
      items.forEach(function (item, id) {
        if (!seen.has(id) && !item.dataset.deciding) {
          item.remove();
          items.delete(id);
        }
      });
      empty.hidden = items.size > 0;
      empty.textContent = note || 'No requests waiting. Send a wire and it appears here.';
    }

    function request(operation) {
      var item = document.createElement('li');
      item.className = 'request';
      item.dataset.operationId = operation.operationId;
      var kicker = document.createElement('div');
      kicker.className = 'kicker';
      kicker.textContent = 'Approval requested';
      var what = document.createElement('div');
      what.className = 'what';
      what.textContent = operation.message || 'Confirm it is you';
      var op = document.createElement('div');
      op.className = 'op';
      op.textContent = operation.operationId;
      var actions = document.createElement('div');
      actions.className = 'actions';
      actions.appendChild(button('Reject', 'reject', item, operation.operationId));
      actions.appendChild(button('Approve', 'approve', item, operation.operationId));
      item.append(kicker, what, op, actions);
      return item;
    }

    function button(label, decision, item, operationId) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = decision;
      b.textContent = label;
      b.addEventListener('click', async function () {
        item.dataset.deciding = 'true';
        item.querySelectorAll('button').forEach(function (x) { x.disabled = true; });
        try {
          var response = await fetch('/demo/phone/operations/' + encodeURIComponent(operationId) + '/' + decision, {
            method: 'POST',
            // JSON is what makes this a request only this page can send (see DemoRequestGuard).
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: '{}',
          });
          if (!response.ok) throw new Error(await problemOf(response));
          item.remove();
          items.delete(operationId);
          empty.hidden = items.size > 0;
        } catch (err) {
          delete item.dataset.deciding;
          var note = item.querySelector('.error') || item.appendChild(document.createElement('div'));
          note.className = 'error';
          note.textContent = err.message;
          item.querySelectorAll('button').forEach(function (x) { x.disabled = false; });
        }
      });
      return b;
    }

    async function refresh() {
      var user = userInput.value.trim(), mine = ++generation;
      phoneUser.textContent = user || '—';
      if (!HEX.test(user)) return render([], 'Enter a hexadecimal user id to see their phone.');
      try {
        var response = await fetch('/demo/phone/' + encodeURIComponent(user) + '/pending', { headers: { Accept: 'application/json' } });
        var result = response.ok ? await response.json() : null;
        var note = response.ok ? '' : await problemOf(response);
        // An older answer arriving late must not overwrite a newer one.
        if (mine === generation) render(result || [], note);
      } catch (err) {
        if (mine === generation) render([], 'The phone is offline.');
      }
    }

    setInterval(function () { if (!document.hidden) refresh(); }, 2000);
    return { refresh: refresh };
  }
})();
`;
