import { Transaction } from '../transactions/transaction';
import { createHash } from 'node:crypto';

/** The fields of a creation request that decide whether a re-POST is "the same request". */
export interface FingerprintFields {
  userId: string;
  externalUserId?: string;
  message?: string;
  timeoutSeconds?: number;
  callbackUrl?: string;
  metadata?: Record<string, unknown>;
  transaction?: Transaction;
}

/** A digest that ignores key order in metadata, so semantically equal bodies match. */
export function fingerprintOf(fields: FingerprintFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('base64url');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
