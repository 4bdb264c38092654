import { canonicalJson, fingerprintOf } from './approval-fingerprint';

describe(fingerprintOf.name, () => {
  it('ignores the key order of metadata', () => {
    expect(fingerprintOf({ userId: 'AB', metadata: { a: 1, b: { c: 2, d: 3 } } })).toBe(
      fingerprintOf({ userId: 'AB', metadata: { b: { d: 3, c: 2 }, a: 1 } }),
    );
  });

  it('tells apart requests that differ in any field', () => {
    const base = { userId: 'AB', message: 'm', timeoutSeconds: 60 };
    expect(fingerprintOf(base)).not.toBe(fingerprintOf({ ...base, message: 'n' }));
    expect(fingerprintOf(base)).not.toBe(fingerprintOf({ ...base, timeoutSeconds: 61 }));
    expect(fingerprintOf(base)).not.toBe(fingerprintOf({ ...base, externalUserId: 'x' }));
  });

  it('keeps arrays in order', () => {
    expect(canonicalJson({ a: [2, 1] })).toBe('{"a":[2,1]}');
  });
});
