/*
 * The demo page's browser code: plain ES2019 in one classic script, no bundler, inlined by
 * demo.page.ts under the response's CSP nonce. It follows the approval with EventSource on the
 * eventsUrl it is given, exactly as a bank's own frontend would; verifies the receipt as a bank's
 * payment system would, with WebCrypto against /.well-known/jwks.json (ES256: ECDSA P-256 over SHA-256
 * of the JWS signing input; a JWS signature is raw r||s, the form WebCrypto takes), and checks that its
 * transactionHash is the SHA-256 of this payment's transactionData; and plays the phone: the user's
 * pending operations (the demo server leaves out those whose approval has ended), kept in place between
 * refreshes so buttons stay put, each with three ways to answer: Reject, Approve (the Recognize push)
 * and Approve in the bank's app (a transaction JWT submitted to /signature).
 */
(function () {
  'use strict';

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
    lost: ['Lost the event stream', 'The stream closed before an outcome; send the wire again to retry.'],
  };
  var HEX = /^[0-9A-Fa-f]{1,128}$/;
  function $(id) {
    return document.getElementById(id);
  }
  var form = $('wire-form'),
    userInput = $('user-id'),
    amountInput = $('amount'),
    currencyInput = $('currency');
  var payeeInput = $('payee-name'),
    accountInput = $('payee-account');
  var preview = $('message-preview'),
    submit = $('submit'),
    cancel = $('cancel');
  var statusBox = $('status'),
    statusTitle = $('status-title'),
    statusDetail = $('status-detail');
  var meta = $('status-meta'),
    approvalId = $('approval-id'),
    when = $('approval-when'),
    timeline = $('timeline');
  var stream = null,
    busy = false,
    current = null,
    ticker = null;

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency }).format(Number(amount));
    } catch (e) {
      return amount + ' ' + currency;
    }
  }

  function transaction() {
    var amount = amountInput.value.trim(),
      name = payeeInput.value.trim(),
      account = accountInput.value.trim();
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
    if (status === 'approved')
      return event.data.approvedBy === 'signature' ? "Approved in the bank's app (signed)" : 'Approved on the phone' + how(event.data);
    return (
      {
        pending: 'Sent to the phone',
        rejected: 'Rejected on the phone',
        expired: 'Expired',
        cancelled: 'Cancelled',
        failed: 'Failed at Recognize',
      }[status] || event.type
    );
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
      return body.detail || body.title || 'HTTP ' + response.status;
    } catch (e) {
      return 'HTTP ' + response.status;
    }
  }

  function decided(status, data) {
    var detail;
    if (status === 'approved') {
      detail =
        data.approvedBy === 'signature'
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
        body: JSON.stringify({ userId: userInput.value.trim(), transaction: transaction() }),
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
        body: '{}',
      });
      // The outcome arrives on the event stream; a refusal (already decided) is said here.
      if (!response.ok) statusDetail.textContent = await problemOf(response);
    } catch (err) {
      statusDetail.textContent = 'The bank is unreachable: ' + err.message;
    } finally {
      cancel.disabled = false;
    }
  });

  [userInput, amountInput, currencyInput, payeeInput, accountInput].forEach(function (input) {
    input.addEventListener('input', refreshForm);
  });
  userInput.addEventListener('change', function () {
    phone.refresh();
  });

  var phone = document.body.dataset.phone === 'true' ? simulatedPhone() : { refresh: function () {} };
  refreshForm();
  phone.refresh();

  var CLAIMS = [
    ['iss', 'Issuer'],
    ['sub', 'User'],
    ['aud', 'Client'],
    ['jti', 'Approval'],
    ['status', 'Status'],
    ['approvedBy', 'Approved by'],
    ['authType', 'Authentication'],
    ['decidedAt', 'Decided at'],
    ['transactionHash', 'Transaction hash'],
    ['iat', 'Issued at'],
  ];

  function base64urlBytes(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var binary = atob(b64),
      bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function base64urlOf(buffer) {
    var bytes = new Uint8Array(buffer),
      binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function decodePart(part) {
    return JSON.parse(new TextDecoder().decode(base64urlBytes(part)));
  }

  /** Resolves to the kid that verified the receipt; rejects with the reason it did not. */
  async function verifyReceipt(jwt, transactionData) {
    if (!window.crypto || !crypto.subtle) throw new Error('this browser offers WebCrypto only on https or localhost');
    var parts = jwt.split('.');
    var header = decodePart(parts[0]),
      claims = decodePart(parts[1]);
    if (header.alg !== 'ES256') throw new Error('unexpected alg ' + header.alg);
    var response = await fetch('/.well-known/jwks.json', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error('/.well-known/jwks.json answered ' + response.status);
    var jwk = ((await response.json()).keys || []).filter(function (k) {
      return k.kid === header.kid;
    })[0];
    if (!jwk) throw new Error('no key ' + header.kid + ' in /.well-known/jwks.json');
    var key = await crypto.subtle.importKey(
      'jwk',
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    var input = new TextEncoder().encode(parts[0] + '.' + parts[1]);
    var valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, base64urlBytes(parts[2]), input);
    if (!valid) throw new Error('the signature does not verify with key ' + header.kid);
    if (transactionData !== undefined) {
      var digest = base64urlOf(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(transactionData)));
      if (digest !== claims.transactionHash) throw new Error('transactionHash is not the hash of this payment');
    }
    return header.kid;
  }

  function showReceipt(jwt, transactionData) {
    var box = $('receipt'),
      list = $('receipt-claims'),
      check = $('receipt-check');
    var claims;
    try {
      claims = decodePart(jwt.split('.')[1]);
    } catch (e) {
      claims = {};
    }
    list.replaceChildren();
    CLAIMS.forEach(function (pair) {
      if (claims[pair[0]] === undefined) return;
      var value = pair[0] === 'iat' ? new Date(claims.iat * 1000).toLocaleTimeString() : String(claims[pair[0]]);
      var term = document.createElement('dt'),
        detail = document.createElement('dd');
      term.textContent = pair[1];
      term.title = pair[0];
      detail.textContent = value;
      detail.dataset.claim = pair[0];
      list.append(term, detail);
    });
    check.dataset.state = 'checking';
    check.textContent = 'verifying with /.well-known/jwks.json…';
    box.hidden = false;
    verifyReceipt(jwt, transactionData).then(
      function (kid) {
        check.dataset.state = 'verified';
        check.textContent = 'verified \u2713 with key ' + kid;
        var hash = list.querySelector('[data-claim="transactionHash"]');
        if (hash && transactionData !== undefined) hash.textContent += ' \u2713 SHA-256 of this payment';
      },
      function (err) {
        check.dataset.state = 'failed';
        check.textContent = 'not verified: ' + err.message;
      },
    );
  }

  function simulatedPhone() {
    var inbox = $('inbox'),
      empty = $('inbox-empty'),
      phoneUser = $('phone-user');
    var items = new Map(),
      generation = 0;

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

    function line(className, text) {
      var div = document.createElement('div');
      div.className = className;
      div.textContent = text;
      return div;
    }

    function request(operation) {
      var item = document.createElement('li');
      item.className = 'request';
      item.dataset.operationId = operation.operationId;
      var t = operation.transaction;
      item.appendChild(line('kicker', t ? 'Approve payment' : 'Approval requested'));
      if (t) {
        item.appendChild(line('amount', money(t.amount, t.currency)));
        item.appendChild(line('payee', 'to ' + t.payee.name));
        item.appendChild(line('account', t.payee.account));
        if (t.reference) item.appendChild(line('account', t.reference));
      } else {
        item.appendChild(line('what', operation.message || 'Confirm it is you'));
      }
      var actions = document.createElement('div');
      actions.className = 'actions';
      actions.appendChild(
        button('Reject', 'reject', item, '/demo/phone/operations/' + encodeURIComponent(operation.operationId) + '/reject'),
      );
      actions.appendChild(
        button('Approve', 'approve', item, '/demo/phone/operations/' + encodeURIComponent(operation.operationId) + '/approve'),
      );
      actions.appendChild(
        button(
          "Approve in the bank's app",
          'in-app',
          item,
          '/demo/approvals/' + encodeURIComponent(operation.operationId) + '/approve-in-app',
        ),
      );
      item.appendChild(actions);
      return item;
    }

    function button(label, kind, item, path) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = kind;
      b.textContent = label;
      b.addEventListener('click', async function () {
        item.dataset.deciding = 'true';
        item.querySelectorAll('button').forEach(function (x) {
          x.disabled = true;
        });
        try {
          var response = await fetch(path, {
            method: 'POST',
            // JSON is what makes this a request only this page can send (see DemoRequestGuard).
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: '{}',
          });
          if (!response.ok) throw new Error(await problemOf(response));
          item.remove();
          items.delete(item.dataset.operationId);
          empty.hidden = items.size > 0;
        } catch (err) {
          delete item.dataset.deciding;
          var note = item.querySelector('.error') || item.appendChild(document.createElement('div'));
          note.className = 'error';
          note.textContent = err.message;
          item.querySelectorAll('button').forEach(function (x) {
            x.disabled = false;
          });
        }
      });
      return b;
    }

    async function refresh() {
      var user = userInput.value.trim(),
        mine = ++generation;
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

    setInterval(function () {
      if (!document.hidden) refresh();
    }, 2000);
    return { refresh: refresh };
  }

  // The CIBA card: the discovery document, the auth_req_id, every poll of the token endpoint
  // (slow_down when the page polls faster than the interval) and the verified ID token's claims. The
  // bank's backend is the demo's own (/demo/ciba/*), as for the REST flow: the page holds no secret.
  // Plain ES2019 without template literals, like the rest of the page's code.

  (function () {
    var button = $('ciba-start');
    if (!button) return;
    var fast = $('ciba-fast'),
      discovery = $('ciba-discovery'),
      reqId = $('ciba-auth-req-id'),
      polls = $('ciba-polls');
    var outcome = $('ciba-outcome'),
      claimsList = $('ciba-claims'),
      running = false;

    function post(path, body) {
      return fetch('/demo/ciba/' + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).then(function (r) {
        return r.json().then(function (b) {
          return { ok: r.ok, body: b };
        });
      });
    }

    function line(text, kind) {
      var item = document.createElement('li');
      item.textContent = new Date().toLocaleTimeString() + '  ' + text;
      if (kind) item.dataset.kind = kind;
      polls.appendChild(item);
    }

    function showClaims(idToken) {
      claimsList.textContent = '';
      var shown = ['iss', 'sub', 'aud', 'amr', 'approval_id', 'approved_by', 'transaction_hash', 'auth_time', 'exp'];
      shown.forEach(function (name) {
        if (idToken.claims[name] === undefined) return;
        var dt = document.createElement('dt'),
          dd = document.createElement('dd');
        dt.textContent = name;
        dd.textContent = typeof idToken.claims[name] === 'string' ? idToken.claims[name] : JSON.stringify(idToken.claims[name]);
        claimsList.appendChild(dt);
        claimsList.appendChild(dd);
      });
      claimsList.hidden = false;
    }

    function finish(text, kind) {
      outcome.textContent = text;
      outcome.dataset.kind = kind;
      outcome.hidden = false;
      running = false;
      button.disabled = false;
    }

    function poll(authReqId, interval) {
      post('token', { authReqId: authReqId }).then(
        function (answer) {
          var a = answer.body;
          if (!answer.ok) return finish('The demo backend refused the poll', 'error');
          if (a.status === 200) {
            line('200 tokens', 'ok');
            showClaims(a.idToken);
            return finish('Signed in: ID token verified (ES256, kid ' + a.idToken.header.kid + ') with /.well-known/jwks.json', 'ok');
          }
          var error = a.body.error;
          if (error === 'slow_down') {
            interval = a.retryAfter || interval + 5;
            line('400 slow_down: polled too fast, interval now ' + interval + ' s', 'warn');
          } else if (error === 'authorization_pending') {
            line('400 authorization_pending', '');
          } else {
            line('400 ' + error + (a.body.approval_status ? ' (' + a.body.approval_status + ')' : ''), 'error');
            return finish('Not signed in: ' + error, 'error');
          }
          setTimeout(
            function () {
              poll(authReqId, interval);
            },
            fast.checked ? 300 : interval * 1000,
          );
        },
        function () {
          finish('The demo backend did not answer', 'error');
        },
      );
    }

    button.addEventListener('click', function () {
      if (running) return;
      var user = userInput.value.trim();
      if (!HEX.test(user)) return finish('Enter a hexadecimal user ID above', 'error');
      running = true;
      button.disabled = true;
      polls.textContent = '';
      claimsList.hidden = true;
      outcome.hidden = true;
      fetch('/demo/ciba/discovery')
        .then(function (r) {
          return r.json();
        })
        .then(function (doc) {
          discovery.textContent = JSON.stringify(doc, null, 2);
          return post('start', { userId: user, bindingMessage: 'Sign in to Northwind Bank' });
        })
        .then(
          function (answer) {
            var a = answer.body;
            if (!answer.ok || a.status !== 200) return finish('Not started: ' + ((a.body && a.body.error) || 'refused'), 'error');
            reqId.textContent = a.body.auth_req_id;
            line(
              'bc-authorize: approval ' +
                a.body.approval_id +
                ', expires_in ' +
                a.body.expires_in +
                ' s, interval ' +
                a.body.interval +
                ' s',
              '',
            );
            setTimeout(
              function () {
                poll(a.body.auth_req_id, a.body.interval);
              },
              fast.checked ? 300 : a.body.interval * 1000,
            );
          },
          function () {
            finish('The demo backend did not answer', 'error');
          },
        );
    });
  })();
})();
