import { Injectable, Logger } from '@nestjs/common';
import { ApprovalsStore } from './approvals.store';
import { RecognizeClient } from '../recognize/recognize.client';

/**
 * Keeps Recognize's record of the authentication (device, error code, time), read from its
 * telemetry API, on a decided approval. Best effort: telemetry covers only the last 10 minutes and is not needed for the outcome, so any
 * failure here is logged and ignored; the outcome has already been stored and announced.
 */
@Injectable()
export class AuthenticationDetailsService {
  private readonly logger = new Logger(AuthenticationDetailsService.name);

  constructor(private readonly store: ApprovalsStore, private readonly recognize: RecognizeClient) {}

  async attach(approvalId: string): Promise<void> {
    try {
      const record = await this.store.get(approvalId);
      if (!record) return;
      const authentications = await this.recognize.getUserAuthentications(record.userId, approvalId);
      const match = authentications.filter((a) => a.operationId === undefined || a.operationId === approvalId).at(-1);
      if (!match) return;
      // Applied to the record as it is when written (compare-and-set), not as read before the
      // telemetry call: a signature recorded meanwhile must not be overwritten.
      await this.store.update(approvalId, (current) => current.status !== record.status ? undefined : {
        ...current,
        ...(current.authType === undefined && match.authType !== undefined && { authType: match.authType }),
        authentication: {
          result: match.result,
          errorCode: match.errorCode,
          createdAt: match.createdAt,
          ...(match.authType !== undefined && { authType: match.authType }),
          ...(match.deviceId !== undefined && { deviceId: match.deviceId }),
        },
      });
    } catch (err) {
      this.logger.debug(`No authentication details for ${approvalId}: ${(err as Error).message}`);
    }
  }
}
