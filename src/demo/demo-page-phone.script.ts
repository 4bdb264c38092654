/**
 * Browser code of the demo's phone panel: the user's pending operations (the demo server leaves out
 * those whose approval has ended), kept in place between refreshes so buttons stay put, each with the
 * payment it asks about and three ways to answer: Reject, Approve (the Recognize push) and Approve in
 * the bank's app (a transaction JWT submitted to /signature).
 * Plain ES2019 without template literals, held verbatim in this string (see demo-page.script.ts).
 */
export const DEMO_PHONE_SCRIPT = String.raw`
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
      actions.appendChild(button('Reject', 'reject', item, '/demo/phone/operations/' + encodeURIComponent(operation.operationId) + '/reject'));
      actions.appendChild(button('Approve', 'approve', item, '/demo/phone/operations/' + encodeURIComponent(operation.operationId) + '/approve'));
      actions.appendChild(button("Approve in the bank's app", 'in-app', item, '/demo/approvals/' + encodeURIComponent(operation.operationId) + '/approve-in-app'));
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
        item.querySelectorAll('button').forEach(function (x) { x.disabled = true; });
        try {
          var response = await fetch(path, {
            method: 'POST',
            // JSON is what makes this a request only this page can send (see DemoRequestGuard).
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: '{}'
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
`;
