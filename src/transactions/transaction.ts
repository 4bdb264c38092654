import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** A validated transaction (TransactionDto), as plain data. */
export interface Transaction {
  amount: string;
  currency: string;
  payee: { name: string; account: string };
  reference?: string;
}

/**
 * The message the phone shows when the caller gave a transaction and no message. The amount, the
 * currency code, the payee's name and account appear exactly as given, so that what the user reads
 * is what is bound into transactionData.
 */
export function phoneMessageFor(transaction: Transaction): string {
  const { amount, currency, payee, reference } = transaction;
  const lines = [`Approve payment of ${amount} ${currency}`, `to ${payee.name}`, `account ${payee.account}`];
  if (reference !== undefined) lines.push(`reference ${reference}`);
  return lines.join('\n');
}

/**
 * The exact string the customer's app passes to the Recognize SDK as transaction data (`td`): the
 * RFC 8785 (JCS) canonical JSON of `{approvalId, transaction}`, or of `{approvalId, message}` when
 * there is no transaction. Only the contract's fields are copied, so a DTO instance (whose absent
 * optional fields may be own properties holding undefined) serializes like the JSON the caller sent.
 */
export function transactionDataFor(approvalId: string, source: { transaction: Transaction } | { message?: string }): string {
  const body =
    'transaction' in source && source.transaction !== undefined
      ? { approvalId, transaction: plainTransaction(source.transaction) }
      : { approvalId, message: ('message' in source ? source.message : undefined) ?? '' };
  const json = canonicalize(body);
  if (json === undefined) throw new Error('transaction data has no JSON form');
  return json;
}

/** base64url (no padding) SHA-256 of the UTF-8 bytes of transactionData. */
export function transactionHashOf(transactionData: string): string {
  return createHash('sha256').update(transactionData, 'utf8').digest('base64url');
}

/** The transaction as plain JSON of the contract's fields only (a DTO instance may carry own undefined properties). */
export function plainTransaction(t: Transaction): Transaction {
  return {
    amount: t.amount,
    currency: t.currency,
    payee: { name: t.payee.name, account: t.payee.account },
    ...(t.reference !== undefined && { reference: t.reference }),
  };
}
