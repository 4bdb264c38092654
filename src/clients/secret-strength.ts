/** 32 random bytes: what a production API key or webhook secret must carry at least. */
export const MIN_SECRET_BITS = 256;

/**
 * Every key, secret and password printed in the README, .env.example, the simulator or the test
 * helpers. They are fine for development and tests, and public: never accepted in production.
 */
const KNOWN_EXAMPLES = new Set([
  'dev-client-key-change-me',
  'a-long-random-key-for-bank-app',
  'bank-app-key-0123456789abcdef',
  'other-app-key-0123456789abcdef',
  'hooked-app-key-0123456789',
  'quiet-app-key-0123456789',
  'simulator-api-key',
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  'correct-horse-battery-staple',
]);

export function isKnownExample(value: string): boolean {
  return KNOWN_EXAMPLES.has(value) || (value.startsWith('whsec_') && KNOWN_EXAMPLES.has(value.slice('whsec_'.length)));
}

/**
 * Why `key` is too weak to be a production API key, or undefined. A heuristic, not a proof of
 * randomness: it estimates the bits from the length and the alphabet used, and refuses strings that
 * repeat themselves or use few distinct characters ('aaaa…', 'abab…'), which that estimate flatters.
 */
export function apiKeyWeakness(key: string): string | undefined {
  if (estimatedBits(key) < MIN_SECRET_BITS) {
    return `must carry at least ${MIN_SECRET_BITS} random bits, e.g. 32 random bytes as base64url (43 characters)`;
  }
  if (isRepetitive([...key])) return 'is too repetitive to be random (generate it, e.g. openssl rand -base64 32)';
  return undefined;
}

/** Why a `whsec_…` secret is too weak for production, or undefined (its decoded bytes are what signs). */
export function webhookSecretWeakness(secret: string): string | undefined {
  const bytes = [...Buffer.from(secret.replace(/^whsec_/, ''), 'base64')];
  if (bytes.length * 8 < MIN_SECRET_BITS) return `must be whsec_ followed by the base64 of at least ${MIN_SECRET_BITS / 8} random bytes`;
  if (isRepetitive(bytes)) return 'is too repetitive to be random (generate it, e.g. echo "whsec_$(openssl rand -base64 32)")';
  return undefined;
}

/**
 * Length times log2 of the alphabet the key appears to be drawn from: hex (16), base64 or base64url
 * (64) when it mixes at least two of lower case, upper case and digits, a single case (26), or
 * printable ASCII (95) when it has other symbols. Judged by alphabet rather than by the classes
 * present, so that a random base64 key that happens to have no digit is not refused.
 */
export function estimatedBits(value: string): number {
  const body = value.replace(/=+$/, '');
  if (/^[0-9a-f]+$/i.test(body)) return body.length * 4;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((r) => r.test(body)).length;
  const pool = /[^A-Za-z0-9+/_-]/.test(body) ? 95 : classes >= 2 ? 64 : 26;
  return body.length * Math.log2(pool);
}

/**
 * Few distinct symbols, a low spread over them (Shannon entropy under 3 bits a symbol), or a period
 * shorter than half the length. 32 random bytes have about 30 distinct values and 4.8 bits a symbol.
 */
function isRepetitive<T>(symbols: T[]): boolean {
  const counts = new Map<T, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  if (counts.size < 12) return true;
  let entropy = 0;
  for (const n of counts.values()) entropy -= (n / symbols.length) * Math.log2(n / symbols.length);
  if (entropy < 3) return true;
  for (let period = 1; period <= symbols.length / 2; period++) {
    if (symbols.every((s, i) => i < period || s === symbols[i - period])) return true;
  }
  return false;
}
