import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Transaction } from './types.js';

/** What the service binds an approval to: the `td` the customer's app signs, and its hash. */
export interface TransactionBinding {
  /** RFC 8785 (JCS) canonical JSON of `{ approvalId, transaction }`: the approval's `transactionData`. */
  transactionData: string;
  /** base64url (no padding) SHA-256 of `transactionData`: the approval's and its receipt's `transactionHash`. */
  transactionHash: string;
}

/**
 * Computes the `transactionData` and `transactionHash` the service gives an approval created with
 * `transaction`, from your own payment record, so that a receipt can be checked against the payment
 * you are about to release rather than against what the service says. Only the contract's fields
 * are taken (a record may carry more); strings must be exactly those sent at creation
 * (`amount: "1250.00"`, not `1250`).
 */
export function transactionHash(approvalId: string, transaction: Transaction): TransactionBinding {
  if (typeof approvalId !== 'string' || approvalId === '') throw new TypeError('transactionHash needs the approval id');
  const { amount, currency, payee, reference } = transaction;
  // A number would canonicalize as 1250, never as the "1250.00" the approval was created with.
  if (typeof amount !== 'string') throw new TypeError('transaction.amount must be the decimal string sent at creation');
  const bound: Transaction = {
    amount,
    currency,
    payee: { name: payee.name, account: payee.account },
    ...(reference !== undefined && { reference }),
  };
  const transactionData = canonicalize({ approvalId, transaction: bound });
  if (transactionData === undefined) throw new TypeError('transaction has no JSON form');
  return { transactionData, transactionHash: createHash('sha256').update(transactionData, 'utf8').digest('base64url') };
}
