import { Injectable, Logger } from '@nestjs/common';
import { withTimeout } from '../common/with-timeout';
import { RecognizeClient } from '../recognize/recognize.client';
import { ApprovalAuthentication } from '../approvals/approval';
import { recognizeTimeToIso } from './recognize-time';

/** Telemetry is looked up while a decision waits: never longer than this. */
const LOOKUP_TIMEOUT_MS = 2000;

/**
 * Recognize's record of an operation's authentication (device, error code, time), read from its
 * telemetry API. It is looked up before the decision is stored, so that the terminal event carries it
 * and so that a late answer can be dated. Best effort: telemetry covers only the last 10 minutes, and
 * a failure or a slow answer yields nothing rather than holding the decision back.
 */
@Injectable()
export class AuthenticationDetailsService {
  private readonly logger = new Logger(AuthenticationDetailsService.name);

  constructor(private readonly recognize: RecognizeClient) {}

  async lookup(approval: { id: string; userId: string }): Promise<ApprovalAuthentication | undefined> {
    try {
      const authentications = await withTimeout(this.recognize.getUserAuthentications(approval.userId, approval.id), LOOKUP_TIMEOUT_MS);
      // Matched on operationId only: an entry without one could be any authentication of this user.
      const match = authentications.filter((a) => a.operationId === approval.id).at(-1);
      if (!match) return undefined;
      return {
        result: match.result,
        errorCode: match.errorCode,
        createdAt: recognizeTimeToIso(match.createdAt),
        ...(match.authType !== undefined && { authType: match.authType }),
        ...(match.deviceId !== undefined && { deviceId: match.deviceId }),
      };
    } catch (err) {
      this.logger.debug(`No authentication details for ${approval.id}: ${(err as Error).message}`);
      return undefined;
    }
  }
}
