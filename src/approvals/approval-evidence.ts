import { ReceiptFacts } from "../receipts/receipt.signer";
import {
  transactionDataFor,
  transactionHashOf,
} from "../transactions/transaction";
import { ApprovalRecord, ApprovedBy } from "./approval";

/**
 * The approval's transactionData: the exact `td` a transaction JWT must carry. Records that store it
 * carry it; otherwise it is derived from the message as the contract defines it.
 */
export function transactionDataOf(record: ApprovalRecord): string {
  return (
    (record as ApprovalRecord & { transactionData?: string }).transactionData ??
    transactionDataFor(record.id, { message: record.message })
  );
}

/** What the receipt of an approval that is being approved states. */
export function receiptFactsOf(
  record: ApprovalRecord & { approvedBy: ApprovedBy; decidedAt: string },
): ReceiptFacts {
  return {
    approvalId: record.id,
    userId: record.userId,
    clientId: record.clientId,
    approvedBy: record.approvedBy,
    decidedAt: record.decidedAt,
    transactionHash: transactionHashOf(transactionDataOf(record)),
    ...(record.authType !== undefined && { authType: record.authType }),
  };
}
