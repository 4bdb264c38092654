import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/app.errors';

/** The phone panel plays the user's phone through the simulator's control API; with real Recognize there is none. */
export class DemoPhoneUnavailableError extends AppError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code = 'demo_phone_unavailable';
  constructor() {
    super('The demo phone needs the Recognize simulator (SIMULATOR_CONTROL_URL); with real Recognize, approve in the Recognize app');
  }
}

export class DemoOperationNotFoundError extends AppError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code = 'operation_not_found';
  constructor(operationId: string) {
    super(`Operation ${JSON.stringify(operationId)} does not exist at the simulator`);
  }
}

export class DemoOperationDecidedError extends AppError {
  readonly status = HttpStatus.CONFLICT;
  readonly code = 'operation_already_decided';
  constructor(operationId: string, state: string) {
    super(`Operation ${JSON.stringify(operationId)} is already ${state}`);
  }
}

/** A demo POST that a cross-site page could have sent (a form, or a fetch from another origin). */
export class DemoCrossSiteRequestError extends AppError {
  readonly status = HttpStatus.FORBIDDEN;
  readonly code = 'demo_cross_site_request';
}
