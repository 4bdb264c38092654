/**
 * Browser code of the demo page's result card: decodes an approval receipt and verifies it as a
 * bank's payment system would, with WebCrypto against /.well-known/jwks.json (ES256: ECDSA P-256 over
 * SHA-256 of the JWS signing input; a JWS signature is raw r||s, the form WebCrypto takes), and checks
 * that its transactionHash is the SHA-256 of this payment's transactionData.
 * Plain ES2019 without template literals, held verbatim in this string (see demo-page.script.ts).
 */
export const DEMO_RECEIPT_SCRIPT = String.raw`
  var CLAIMS = [
    ['iss', 'Issuer'], ['sub', 'User'], ['aud', 'Client'], ['jti', 'Approval'], ['status', 'Status'],
    ['approvedBy', 'Approved by'], ['authType', 'Authentication'], ['decidedAt', 'Decided at'],
    ['transactionHash', 'Transaction hash'], ['iat', 'Issued at']
  ];

  function base64urlBytes(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var binary = atob(b64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function base64urlOf(buffer) {
    var bytes = new Uint8Array(buffer), binary = '';
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
    var header = decodePart(parts[0]), claims = decodePart(parts[1]);
    if (header.alg !== 'ES256') throw new Error('unexpected alg ' + header.alg);
    var response = await fetch('/.well-known/jwks.json', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error('/.well-known/jwks.json answered ' + response.status);
    var jwk = ((await response.json()).keys || []).filter(function (k) { return k.kid === header.kid; })[0];
    if (!jwk) throw new Error('no key ' + header.kid + ' in /.well-known/jwks.json');
    var key = await crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
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
    var box = $('receipt'), list = $('receipt-claims'), check = $('receipt-check');
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
      var term = document.createElement('dt'), detail = document.createElement('dd');
      term.textContent = pair[1];
      term.title = pair[0];
      detail.textContent = value;
      detail.dataset.claim = pair[0];
      list.append(term, detail);
    });
    check.dataset.state = 'checking';
    check.textContent = 'verifying with /.well-known/jwks.json…';
    box.hidden = false;
    verifyReceipt(jwt, transactionData).then(function (kid) {
      check.dataset.state = 'verified';
      check.textContent = 'verified \u2713 with key ' + kid;
      var hash = list.querySelector('[data-claim="transactionHash"]');
      if (hash && transactionData !== undefined) hash.textContent += ' \u2713 SHA-256 of this payment';
    }, function (err) {
      check.dataset.state = 'failed';
      check.textContent = 'not verified: ' + err.message;
    });
  }
`;
