import { TooManyRequestsError } from '../common/app.errors';
import { AppConfig } from '../config/app.config';
import { HeldRequestsService } from './held-requests.service';

describe(HeldRequestsService.name, () => {
  let sut: HeldRequestsService;

  beforeEach(() => {
    sut = new HeldRequestsService({ http: { maxHeldPerClient: 2, maxHeldPerProcess: 3 } } as AppConfig);
  });

  it('refuses a client past its share with a 429 and Retry-After, while another client still holds', () => {
    sut.hold('a');
    sut.hold('a');
    let refused: unknown;
    try {
      sut.hold('a');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused).toMatchObject({ status: 429, retryAfterS: expect.any(Number), message: expect.stringMatching(/for this client/) });
    expect(() => sut.hold('b')).not.toThrow();
    expect(sut.heldBy('a')).toBe(2);
  });

  it('refuses anyone once the process holds its cap', () => {
    sut.hold('a');
    sut.hold('b');
    sut.hold('c');
    expect(() => sut.hold('d')).toThrow(/on this instance/);
  });

  it('gives a slot back on release, once however often it is released', () => {
    const first = sut.hold('a');
    sut.hold('a');
    first.release();
    first.release();
    expect(sut.heldBy('a')).toBe(1);
    expect(sut.open).toBe(1);
    expect(() => sut.hold('a')).not.toThrow();
    expect(() => sut.hold('a')).toThrow(TooManyRequestsError);
  });
});
