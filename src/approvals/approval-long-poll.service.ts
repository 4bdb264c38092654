import { Injectable } from '@nestjs/common';
import { ClientConfig } from '../clients/client.config';
import { ApprovalResponse } from './approval';
import { ApprovalWaiters } from './approval-waiters';
import { ApprovalsService } from './approvals.service';

/** GET /v1/approvals/{id}?wait=N: the approval once it leaves pending, or as it is after N seconds. */
@Injectable()
export class ApprovalLongPollService {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly waiters: ApprovalWaiters,
  ) {}

  /** `gone` aborts when the caller disconnects: its waiter is dropped at once. */
  async find(client: ClientConfig, id: string, waitS: number, gone: AbortSignal): Promise<ApprovalResponse> {
    const deadline = Date.now() + waitS * 1000;
    for (;;) {
      const remaining = deadline - Date.now();
      // Registered before the read: a change between the read and the wait still wakes it.
      const waiter = remaining > 0 && !gone.aborted && !this.waiters.closing ? this.waiters.register(id, remaining, gone) : undefined;
      let approval: ApprovalResponse;
      try {
        approval = await this.approvals.find(client, id);
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
  }
}
