import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApprovalRecord, isTerminal } from '../approvals/approval';
import { ApprovalsService } from '../approvals/approvals.service';
import { EventsTokenService } from './events-token.service';
import { InvalidRequestError, UnauthenticatedError } from '../common/app.errors';
import { ClientsRegistry } from '../clients/clients.registry';
import { SseHub } from './sse.hub';
import { SseLimits } from './sse-limits.service';

/**
 * Who may follow an approval, and from where. Everything here is decided before the hub writes the
 * 200 and the stream headers, so refusals are ordinary problem+json answers.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly clients: ClientsRegistry,
    private readonly tokens: EventsTokenService,
    private readonly approvals: ApprovalsService,
    private readonly hub: SseHub,
    private readonly limits: SseLimits,
  ) {}

  async follow(request: Request, response: Response, approvalId: string): Promise<void> {
    const { record, byToken } = await this.authorize(request, approvalId);
    const afterSeq = lastEventIdOf(request);
    if (isTerminal(record.status) && afterSeq >= ((await this.approvals.lastEvent(approvalId))?.seq ?? 0)) {
      // A browser reconnecting after the terminal event: 204 is the one answer that stops EventSource retrying.
      response.status(204).end();
      return;
    }
    const lease = await this.limits.admit(record.clientId, approvalId, byToken);
    // 'close' fires once the response is over, however it ends (terminal event, browser gone, shutdown).
    response.once('close', () => lease.release());
    if (request.socket.destroyed) {
      lease.release();
      return;
    }
    await this.hub.open(response, approvalId, afterSeq);
  }

  /**
   * The owner's API key, else the eventsUrl token (EventSource cannot send headers). A token opens only
   * the approval it was issued for, and an unknown approval answers a token like a wrong one, so a
   * caller without a key learns nothing about which ids exist.
   */
  private async authorize(request: Request, approvalId: string): Promise<{ record: ApprovalRecord; byToken: boolean }> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const client = this.clients.authenticate(authorization);
      if (!client) throw new UnauthenticatedError('Invalid API key: send Authorization: Bearer <apiKey>, or the token of eventsUrl');
      return { record: await this.approvals.assertOwned(client.id, approvalId), byToken: false };
    }
    const token = request.query.token;
    if (token === undefined)
      throw new UnauthenticatedError('Missing credentials: send Authorization: Bearer <apiKey>, or the token of eventsUrl');
    const record = typeof token === 'string' ? await this.approvals.get(approvalId) : undefined;
    if (!record || !(await this.tokens.verify(token as string, record))) {
      throw new UnauthenticatedError('Invalid or expired events token: read the approval again for a fresh eventsUrl');
    }
    return { record, byToken: true };
  }
}

/** Last-Event-ID header (a reconnecting browser), else the lastEventId query parameter (a first connect); 0: everything. */
function lastEventIdOf(request: Request): number {
  const header = request.headers['last-event-id'];
  const query = request.query.lastEventId;
  const [field, raw] = header !== undefined && header !== '' ? ['Last-Event-ID', header] : ['lastEventId', query];
  if (raw === undefined || raw === '') return 0;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw.trim())) {
    throw new InvalidRequestError(`${field} must be the id of an event of this approval (1, 2, 3 …)`, [
      { field, message: 'must be a non-negative integer' },
    ]);
  }
  return Number(raw.trim());
}
