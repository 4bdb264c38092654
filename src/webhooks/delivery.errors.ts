import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app.errors';

/** Redelivery asked for an approval with no dead delivery: nothing was sent, or it arrived, or it is still being tried. */
export class NothingToRedeliverError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'nothing_to_redeliver';
  constructor(id: string) {
    super(`Approval ${JSON.stringify(id)} has no dead delivery to send again`);
  }
}

/** The approval has no event with that id (or the approval is not the caller's: same answer). */
export class EventNotFoundError extends AppError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code = 'event_not_found';
  constructor(approvalId: string, eventId: string) {
    super(`Approval ${JSON.stringify(approvalId)} has no event ${JSON.stringify(eventId)}`);
  }
}

/** Nowhere to send: the client has no webhookUrl (and, for a resend, the approval no callbackUrl). */
export class NoWebhookUrlError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'no_webhook_url';
}
