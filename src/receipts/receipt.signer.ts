import { SignJWT } from 'jose';
import { ReceiptSigningKey } from './receipt-key';

export const RECEIPT_TYPE = 'approval-receipt+jwt';

export interface ReceiptSignerOptions {
  /** `iss` of every receipt: the service's public URL or name. */
  issuer: string;
}

/** What a receipt states about an approved approval (contract v2 "Receipts"). */
export interface ReceiptFacts {
  approvalId: string;
  userId: string;
  clientId: string;
  approvedBy: 'push' | 'signature';
  decidedAt: string;
  transactionHash: string;
  authType?: 'biom' | 'pin';
}

/**
 * Signs the receipt of an approved approval: a compact JWS a bank can verify offline with
 * /.well-known/jwks.json. Only `approved` has a receipt, so `status` is always 'approved'.
 */
export class ReceiptSigner {
  constructor(
    private readonly keys: { signingKey(): Promise<ReceiptSigningKey> },
    private readonly options: ReceiptSignerOptions,
  ) {}

  async sign(facts: ReceiptFacts): Promise<string> {
    const key = await this.keys.signingKey();
    return new SignJWT({
      status: 'approved',
      approvedBy: facts.approvedBy,
      decidedAt: facts.decidedAt,
      transactionHash: facts.transactionHash,
      ...(facts.authType !== undefined && { authType: facts.authType }),
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: RECEIPT_TYPE })
      .setIssuer(this.options.issuer)
      .setSubject(facts.userId)
      .setAudience(facts.clientId)
      .setJti(facts.approvalId)
      .setIssuedAt()
      .sign(key.privateKey);
  }
}
