import { Injectable } from '@nestjs/common';
import { ClientConfig } from '../clients/client.config';
import { ApprovalResponse } from '../approvals/approval';
import { ApprovalLongPoll } from '../approvals/approval-long-poll';
import { ApprovalsService } from '../approvals/approvals.service';
import { ApprovalWaiters } from './approval-waiters';
import { HeldRequest, HeldRequestsService } from './held-requests.service';

/** GET /v1/approvals/{id}?wait=N: the approval once it leaves pending, or as it is after N seconds. */
@Injectable()
export class ApprovalLongPollService implements ApprovalLongPoll {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly waiters: ApprovalWaiters,
    private readonly held: HeldRequestsService,
  ) {}

  /**
   * `gone` aborts when the caller disconnects: its waiter is dropped at once. A request that will
   * wait counts against its client's held requests until it answers (a decision, the timeout, the
   * caller gone); one that answers at once counts nothing.
   */
  async find(client: ClientConfig, id: string, waitS: number, gone: AbortSignal): Promise<ApprovalResponse> {
    const deadline = Date.now() + waitS * 1000;
    let slot: HeldRequest | undefined;
    try {
      for (;;) {
        const remaining = deadline - Date.now();
        // Registered before the read: a change between the read and the wait still wakes it.
        const waiter = remaining > 0 && !gone.aborted && !this.waiters.closing ? this.waiters.register(id, remaining, gone) : undefined;
        let approval: ApprovalResponse;
        try {
          approval = await this.approvals.find(client, id);
          // After the read, so that an unknown or another client's approval still answers 404.
          if (waiter && approval.status === 'pending') slot ??= this.held.hold(client.id);
        } catch (err) {
          waiter?.cancel();
          throw err;
        }
        if (approval.status !== 'pending' || !waiter) {
          waiter?.cancel();
          return approval;
        }
        await waiter.done;
      }
    } finally {
      slot?.release();
    }
  }
}
