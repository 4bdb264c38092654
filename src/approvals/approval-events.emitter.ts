import { Injectable } from '@nestjs/common';
import { ApprovalRecord } from './approval';
import { ApprovalEvent } from './approval-event';

/** What happens to approvals that other capabilities act on, and what each such news carries. */
export interface ApprovalEventMap {
  /**
   * A pending approval reached its terminal status (`event` is its terminal event). Announced again
   * when an earlier announcement may have been cut off by a crash: listeners must be idempotent.
   */
  'approval.decided': { record: ApprovalRecord; event: ApprovalEvent };
}

export type ApprovalEventName = keyof ApprovalEventMap;
type Handler<E extends ApprovalEventName> = (payload: ApprovalEventMap[E]) => Promise<void> | void;

/**
 * The in-process announcements of the approvals capability, so that approvals depends on none of
 * the capabilities that react to it (webhooks). Handlers are awaited one after the other and a
 * failure reaches the emitter: a decision counts as announced only once every handler has it.
 * Across processes events travel on the Redis event stream instead (see events/).
 */
@Injectable()
export class ApprovalEventsEmitter {
  private readonly handlers = new Map<ApprovalEventName, Handler<never>[]>();

  /** Listeners are methods marked `@OnApprovalEvent` (on-approval-event.decorator.ts), subscribed here at module init. */
  on<E extends ApprovalEventName>(name: E, handler: Handler<E>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler as Handler<never>]);
  }

  async emit<E extends ApprovalEventName>(name: E, payload: ApprovalEventMap[E]): Promise<void> {
    for (const handler of (this.handlers.get(name) ?? []) as Handler<E>[]) await handler(payload);
  }
}
