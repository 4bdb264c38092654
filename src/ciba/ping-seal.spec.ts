import { createPrivateKey } from 'node:crypto';
import { generateReceiptKeyPem } from '../receipts/receipt-key';
import { sealPing, unsealPing } from './ping-seal';

const key = () => createPrivateKey(generateReceiptKeyPem());
const SECRETS = { authReqId: 'a'.repeat(43), notificationToken: 'bearer-token-0123456789' };

describe(sealPing.name, () => {
  it('seals what only the same receipt key unseals, showing neither secret', () => {
    const receiptKey = key();
    const sealed = sealPing(receiptKey, SECRETS);
    expect(sealed).not.toContain(SECRETS.authReqId);
    expect(sealed).not.toContain(SECRETS.notificationToken);
    expect(unsealPing(receiptKey, sealed)).toEqual(SECRETS);
  });

  it('gives nothing under another key, or for a tampered seal', () => {
    const receiptKey = key();
    const sealed = sealPing(receiptKey, SECRETS);
    expect(unsealPing(key(), sealed)).toBeUndefined();
    const [v, iv, body, tag] = sealed.split('.');
    const at = body.length - 2;
    const flipped = `${body.slice(0, at)}${body[at] === 'A' ? 'B' : 'A'}${body.slice(at + 1)}`;
    expect(unsealPing(receiptKey, [v, iv, flipped, tag].join('.'))).toBeUndefined();
    expect(unsealPing(receiptKey, 'not-a-seal')).toBeUndefined();
  });
});
