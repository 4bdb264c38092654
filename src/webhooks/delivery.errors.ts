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
