import { Injectable, Optional } from '@nestjs/common';
import { ApprovalResponse, isTerminal, transactionDataOf } from '../approvals/approval';
import { ApprovalsService } from '../approvals/approvals.service';
import { ClientConfig } from '../clients/client.config';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { ApprovalSignatureService } from '../signatures/approval-signature.service';
import { Transaction } from '../transactions/transaction';
import { DemoPhoneService, PhoneOperation } from './demo-phone.service';
import { DemoPhoneUnavailableError } from './demo.errors';
import { DemoApprovalDto } from './dto/demo-approval.dto';

/** What the page learns about an approval it started: enough to follow it, never the client's key. */
export interface DemoApproval {
  id: string;
  userId: string;
  message?: string;
  transaction?: Transaction;
  status: string;
  expiresAt: string;
  eventsUrl: string;
  approvedBy?: string;
  receipt?: string;
}

/**
 * The banking app's backend, played in-process: it holds the demo client's identity, so the page
 * starts, cancels and (as the bank's app would, with the SDK's signed JWT) approves approvals the way
 * a real frontend asks its own server to, with no key in the browser.
 */
@Injectable()
export class DemoService {
  private readonly client: ClientConfig;
  /** The CIBA front door is on, so the page offers "Sign in with CIBA" (demo-ciba.service.ts). */
  readonly hasCiba: boolean;

  constructor(
    private readonly approvals: ApprovalsService,
    private readonly signatures: ApprovalSignatureService,
    clients: ClientsRegistry,
    config: AppConfig,
    /** No phone without the simulator's control API: see DemoModule. */
    @Optional() private readonly phone?: DemoPhoneService,
  ) {
    const client = config.demo.clientId === undefined ? undefined : clients.findById(config.demo.clientId);
    // loadConfig only enables the demo with a known client; this guards a hand-built config.
    if (!client) throw new Error('The demo is enabled without a demo client');
    this.client = client;
    this.hasCiba = Boolean(config.oidc.issuer);
  }

  get clientId(): string {
    return this.client.id;
  }

  get hasPhone(): boolean {
    return this.phone !== undefined;
  }

  async start(dto: DemoApprovalDto): Promise<DemoApproval> {
    const { approval } = await this.approvals.create(this.client, {
      userId: dto.userId,
      ...(dto.message !== undefined && { message: dto.message }),
      ...(dto.transaction !== undefined && { transaction: dto.transaction }),
      metadata: { source: 'demo' },
    });
    return demoView(approval);
  }

  async cancel(id: string): Promise<DemoApproval> {
    return demoView(await this.approvals.cancel(this.client, id));
  }

  /**
   * "Approve in the bank's app": the user authenticates inside the bank's own app, the Recognize SDK
   * returns a JWT signed over the approval's transactionData, and the bank's server submits it to
   * POST /v1/approvals/{id}/signature. Here the simulator signs and this backend submits, as the client.
   */
  async approveInApp(id: string): Promise<DemoApproval> {
    const phone = this.simulatedPhone();
    const record = await this.approvals.assertOwned(this.client.id, id);
    const jwt = await phone.signTransaction(transactionDataOf(record));
    return demoView(await this.signatures.submit(this.client, id, { jwt }));
  }

  /**
   * The phone's inbox: the demo client's approvals that still wait for a decision, with their payment.
   * Recognize keeps a cancelled or expired operation pending (it has no cancel), so those are left out;
   * so are operations of other clients, which the demo has no business showing or deciding.
   */
  async inbox(userId: string): Promise<PhoneOperation[]> {
    const operations = await this.simulatedPhone().pending(userId);
    const shown = await Promise.all(
      operations.map(async (operation): Promise<PhoneOperation | undefined> => {
        const record = await this.approvals.get(operation.operationId);
        if (!record || record.clientId !== this.client.id || isTerminal(record.status)) return undefined;
        return { ...operation, ...(record.transaction !== undefined && { transaction: record.transaction }), expiresAt: record.expiresAt };
      }),
    );
    return shown.filter((o): o is PhoneOperation => o !== undefined);
  }

  /**
   * The user's answer on the simulated phone, for the demo client's own approvals only: the route needs
   * no key, so without this check any page could decide any client's approval (another client's is
   * answered 404, as the owner rule answers everywhere).
   */
  async decideOnPhone(operationId: string, decision: 'approve' | 'reject'): Promise<PhoneOperation> {
    const phone = this.simulatedPhone();
    await this.approvals.assertOwned(this.client.id, operationId);
    return decision === 'approve' ? phone.approve(operationId) : phone.reject(operationId);
  }

  simulatedPhone(): DemoPhoneService {
    if (!this.phone) throw new DemoPhoneUnavailableError();
    return this.phone;
  }
}

function demoView(approval: ApprovalResponse): DemoApproval {
  return {
    id: approval.id,
    userId: approval.userId,
    ...(approval.message !== undefined && { message: approval.message }),
    ...(approval.transaction !== undefined && { transaction: approval.transaction }),
    status: approval.status,
    expiresAt: approval.expiresAt,
    eventsUrl: approval.eventsUrl,
    ...(approval.approvedBy !== undefined && { approvedBy: approval.approvedBy }),
    ...(approval.receipt !== undefined && { receipt: approval.receipt }),
  };
}
