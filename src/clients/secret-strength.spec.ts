import { randomBytes } from 'node:crypto';
import { apiKeyWeakness, estimatedBits, webhookSecretWeakness } from './secret-strength';

describe('secret strength', () => {
  it('accepts 32 random bytes however they are written', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(32);
      for (const key of [bytes.toString('base64url'), bytes.toString('base64'), bytes.toString('hex')])
        expect([key, apiKeyWeakness(key)]).toEqual([key, undefined]);
      expect(webhookSecretWeakness(`whsec_${bytes.toString('base64')}`)).toBeUndefined();
    }
  });

  it('does not flatter a base64 key by its symbols, nor a hex key by its letters', () => {
    expect(estimatedBits(randomBytes(31).toString('base64'))).toBeLessThan(256);
    expect(estimatedBits(randomBytes(31).toString('hex'))).toBeLessThan(256);
  });

  it.each([
    ['one character repeated', 'a'.repeat(80)],
    ['two characters alternating', 'ab'.repeat(40)],
    ['a short pattern repeated', 'Xy7-Qw9_'.repeat(8)],
    ['a single case, too short for its alphabet', 'thequickbrownfoxjumpsoverthelazydogagain'],
  ])('refuses %s', (_case, key) => {
    expect(apiKeyWeakness(key)).toBeDefined();
  });

  it('refuses a webhook secret of repeated bytes', () => {
    expect(webhookSecretWeakness(`whsec_${Buffer.alloc(48, 7).toString('base64')}`)).toMatch(/repetitive/);
  });
});
