import { Injectable } from '@nestjs/common';
import { UpstreamUnavailableError, UserNotFoundError } from '../../common/app.errors';
import { AppConfig } from '../../config/app.config';
import { RecognizeClient } from '../../recognize/recognize.client';
import { RecognizeError, RecognizeNotFoundError } from '../../recognize/recognize.errors';
import { DemoOperationDecidedError, DemoOperationNotFoundError } from '../demo.errors';
import { DemoPhoneService, PhoneOperation } from '../demo-phone.service';

/** The control API's answers are local and small; a simulator that takes longer is not there. */
const CONTROL_TIMEOUT_MS = 5000;

interface SimulatedOperation {
  operationId: string;
  operationPayload?: string;
  state: string;
}

/**
 * Plays the phone through the simulator's HTTP control API (SIMULATOR_CONTROL_URL with its bearer
 * token), so it works the same with the in-process simulator and the compose one.
 */
@Injectable()
export class SimulatorPhoneClient extends DemoPhoneService {
  private readonly controlUrl: string;
  private readonly token: string;

  constructor(
    config: AppConfig,
    private readonly recognize: RecognizeClient,
  ) {
    super();
    this.controlUrl = config.simulator.controlUrl!;
    this.token = config.simulator.controlToken ?? '';
  }

  /** Read through Recognize's own pending-operations endpoint, as the Recognize app does. */
  async pending(userId: string): Promise<PhoneOperation[]> {
    try {
      const operations = await this.recognize.listPendingOperations(userId.toUpperCase());
      return operations.map((o) => ({
        operationId: o.operationId,
        ...(o.operationPayload !== undefined && { message: o.operationPayload }),
      }));
    } catch (err) {
      if (err instanceof RecognizeNotFoundError) throw new UserNotFoundError(userId.toUpperCase());
      if (err instanceof RecognizeError) throw new UpstreamUnavailableError('The simulator did not list the pending operations; try again');
      throw err;
    }
  }

  approve(operationId: string): Promise<PhoneOperation & { state: string }> {
    return this.decide(operationId, 'approve', { authType: 'biom', deviceId: 'demo-phone' });
  }

  reject(operationId: string): Promise<PhoneOperation & { state: string }> {
    return this.decide(operationId, 'reject', {});
  }

  /** What the Recognize SDK hands the bank's app after the user authenticated with transaction data `td`. */
  async signTransaction(td: string): Promise<string> {
    const res = await this.call('POST', '/transactions/sign', { td });
    if (!res.ok) throw new UpstreamUnavailableError(`The simulator did not sign the transaction (${res.status}); try again`);
    const { jwt } = (await res.json()) as { jwt?: unknown };
    if (typeof jwt !== 'string') throw new UpstreamUnavailableError('The simulator answered the signing call without a jwt');
    return jwt;
  }

  private async decide(operationId: string, decision: 'approve' | 'reject', body: object): Promise<PhoneOperation & { state: string }> {
    const path = `/operations/${encodeURIComponent(operationId)}`;
    const res = await this.call('POST', `${path}/${decision}`, body);
    if (res.status === 404) throw new DemoOperationNotFoundError(operationId);
    if (res.status === 409) {
      const current = await this.call('GET', path);
      const state = current.ok ? ((await current.json()) as SimulatedOperation).state : 'decided';
      throw new DemoOperationDecidedError(operationId, state);
    }
    if (!res.ok) throw new UpstreamUnavailableError(`The simulator's control API answered ${res.status}; try again`);
    const operation = (await res.json()) as SimulatedOperation;
    return { operationId: operation.operationId, message: operation.operationPayload, state: operation.state };
  }

  private async call(method: 'GET' | 'POST', path: string, body?: object): Promise<Response> {
    try {
      return await fetch(`${this.controlUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body && { 'Content-Type': 'application/json' }) },
        body: body && JSON.stringify(body),
        signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
      });
    } catch {
      throw new UpstreamUnavailableError("The simulator's control API is unreachable; try again");
    }
  }
}
