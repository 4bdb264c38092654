import { ClientsRegistry } from './clients.registry';
import { AppConfig } from '../config/app.config';
import { loadConfig } from '../config/config.loader';

const [oldKey, newKey, otherKey] = ['bank-old-key-0123456789', 'bank-new-key-0123456789', 'other-key-0123456789ab'];

describe(ClientsRegistry.name, () => {
  let sut: ClientsRegistry;

  beforeEach(() => {
    const config: AppConfig = loadConfig({
      CLIENTS: JSON.stringify([
        { id: 'bank', apiKeys: [oldKey, newKey] },
        { id: 'other', apiKey: otherKey },
      ]),
    });
    sut = new ClientsRegistry(config);
  });

  it('authenticates every key of a client being rotated', () => {
    expect(sut.authenticate(`Bearer ${oldKey}`)?.id).toBe('bank');
    expect(sut.authenticate(`bearer   ${newKey} `)?.id).toBe('bank');
    expect(sut.authenticate(`Bearer ${otherKey}`)?.id).toBe('other');
  });

  it.each([
    undefined,
    '',
    'Bearer',
    `Basic ${oldKey}`,
    `Bearer ${oldKey}x`,
    `Bearer ${oldKey} extra`,
    oldKey,
    `Bearer ${oldKey.toUpperCase()}`,
  ])('refuses %j', (header) => {
    expect(sut.authenticate(header)).toBeUndefined();
  });

  it('compares against every key of every client, whatever matches first', () => {
    const compared: number[] = [];
    const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const spy = jest.spyOn(crypto, 'timingSafeEqual').mockImplementation((a, b) => {
      compared.push(1);
      return Buffer.compare(a as Buffer, b as Buffer) === 0;
    });
    try {
      sut.authenticate(`Bearer ${oldKey}`);
      expect(compared).toHaveLength(3);
      compared.length = 0;
      sut.authenticate('Bearer nobody-0123456789');
      expect(compared).toHaveLength(3);
    } finally {
      spy.mockRestore();
    }
  });
});
