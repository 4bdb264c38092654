/**
 * "Sign in with CIBA": the discovery document, the auth_req_id, every poll of the token endpoint
 * (slow_down when the page polls faster than the interval) and the verified ID token's claims. The
 * bank's backend is the demo's own (/demo/ciba/*), as for the REST flow: the page holds no secret.
 * Plain ES2019 without template literals, like the rest of the page's code.
 */
export const DEMO_CIBA_SCRIPT = String.raw`
  (function () {
    var button = $('ciba-start');
    if (!button) return;
    var fast = $('ciba-fast'), discovery = $('ciba-discovery'), reqId = $('ciba-auth-req-id'), polls = $('ciba-polls');
    var outcome = $('ciba-outcome'), claimsList = $('ciba-claims'), running = false;

    function post(path, body) {
      return fetch('/demo/ciba/' + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); });
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
        var dt = document.createElement('dt'), dd = document.createElement('dd');
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
      post('token', { authReqId: authReqId }).then(function (answer) {
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
        setTimeout(function () { poll(authReqId, interval); }, fast.checked ? 300 : interval * 1000);
      }, function () { finish('The demo backend did not answer', 'error'); });
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
      fetch('/demo/ciba/discovery').then(function (r) { return r.json(); }).then(function (doc) {
        discovery.textContent = JSON.stringify(doc, null, 2);
        return post('start', { userId: user, bindingMessage: 'Sign in to Northwind Bank' });
      }).then(function (answer) {
        var a = answer.body;
        if (!answer.ok || a.status !== 200) return finish('Not started: ' + ((a.body && a.body.error) || 'refused'), 'error');
        reqId.textContent = a.body.auth_req_id;
        line('bc-authorize: approval ' + a.body.approval_id + ', expires_in ' + a.body.expires_in + ' s, interval ' + a.body.interval + ' s', '');
        setTimeout(function () { poll(a.body.auth_req_id, a.body.interval); }, fast.checked ? 300 : a.body.interval * 1000);
      }, function () { finish('The demo backend did not answer', 'error'); });
    });
  })();
`;
