import { OAuthError } from './oauth.errors';

/** The one RFC 9396 type offered, mapped 1:1 onto the approval's `transaction` (contract v3). */
export interface PaymentInitiation {
  type: 'payment_initiation';
  instructedAmount: { currency: string; amount: string };
  creditorName: string;
  creditorAccount: { iban: string };
  remittanceInformationUnstructured?: string;
}

/** The transaction as POST /v1/approvals takes it, still to be validated by TransactionDto's rules. */
export interface MappedTransaction {
  amount: unknown;
  currency: unknown;
  payee: { name: unknown; account: unknown };
  reference?: unknown;
}

const TOP = new Set(['type', 'instructedAmount', 'creditorName', 'creditorAccount', 'remittanceInformationUnstructured']);

export const invalidDetails = (description: string): OAuthError => new OAuthError(400, 'invalid_authorization_details', description);

/**
 * `authorization_details` as given: a JSON array of exactly one payment_initiation object with no
 * other members at either level. The values' own rules (amount, currency, lengths) are the
 * transaction's, checked by the same DTO as POST /v1/approvals.
 */
export function parseAuthorizationDetails(raw: string): { details: PaymentInitiation[]; transaction: MappedTransaction } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidDetails('authorization_details must be JSON');
  }
  if (!Array.isArray(parsed) || parsed.length !== 1) throw invalidDetails('authorization_details must be an array of exactly one entry');
  const entry = parsed[0] as Record<string, unknown> | null;
  if (!isObject(entry) || entry.type !== 'payment_initiation') throw invalidDetails('the only supported type is payment_initiation');
  const unknown = Object.keys(entry).find((k) => !TOP.has(k));
  if (unknown !== undefined) throw invalidDetails(`payment_initiation has no member ${JSON.stringify(unknown)}`);
  const amount = entry.instructedAmount;
  const account = entry.creditorAccount;
  if (!isObject(amount) || !onlyMembers(amount, ['currency', 'amount']))
    throw invalidDetails('instructedAmount must be an object of currency and amount only');
  if (!isObject(account) || !onlyMembers(account, ['iban'])) throw invalidDetails('creditorAccount must be an object of iban only');
  const transaction: MappedTransaction = {
    amount: amount.amount,
    currency: amount.currency,
    payee: { name: entry.creditorName, account: account.iban },
    ...('remittanceInformationUnstructured' in entry && { reference: entry.remittanceInformationUnstructured }),
  };
  return { details: parsed as PaymentInitiation[], transaction };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyMembers(value: Record<string, unknown>, allowed: string[]): boolean {
  return Object.keys(value).every((k) => allowed.includes(k));
}
