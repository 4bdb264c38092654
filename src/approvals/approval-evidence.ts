import { ReceiptFacts } from '../receipts/receipt.signer';
import { ApprovalRecord, ApprovedBy, transactionHashOfRecord } from './approval';

/** What the receipt of an approval that is being approved states. */
export function receiptFactsOf(record: ApprovalRecord & { approvedBy: ApprovedBy; decidedAt: string }): ReceiptFacts {
  return {
    approvalId: record.id,
    userId: record.userId,
    clientId: record.clientId,
    approvedBy: record.approvedBy,
    decidedAt: record.decidedAt,
    transactionHash: transactionHashOfRecord(record),
    ...(record.authType !== undefined && { authType: record.authType }),
  };
}
