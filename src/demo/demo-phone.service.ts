import { Injectable } from '@nestjs/common';
import { UpstreamUnavailableError, UserNotFoundError } from '../common/app.errors';
import { RecognizeClient } from '../recognize/recognize.client';
import { RecognizeError, RecognizeNotFoundError } from '../recognize/recognize.errors';
import { RecognizeSimulator } from '../simulator/recognize.simulator';
import { SimulatorError } from '../simulator/simulator.http';
import { SimulatedOperation } from '../simulator/simulator.store';
import { SimulatorHost } from '../simulator/simulator.host';
import { DemoOperationDecidedError, DemoOperationNotFoundError, DemoPhoneUnavailableError } from './demo.errors';

/** One line of the phone's inbox. */
export interface PhoneOperation {
  operationId: string;
  message?: string;
}

/** What the user's phone does: list what waits for a decision, and approve or reject it. */
@Injectable()
export class DemoPhoneService {
  constructor(private readonly host: SimulatorHost, private readonly recognize: RecognizeClient) {}

  /** Only with the bundled simulator: a real phone cannot be driven from here. */
  get available(): boolean {
    return this.host.simulator !== undefined;
  }

  /** Read through Recognize's own pending-operations endpoint, as the Recognize app does. */
  async pending(userId: string): Promise<PhoneOperation[]> {
    this.simulator();
    try {
      const operations = await this.recognize.listPendingOperations(userId.toUpperCase());
      return operations.map((o) => ({ operationId: o.operationId, ...(o.operationPayload !== undefined && { message: o.operationPayload }) }));
    } catch (err) {
      if (err instanceof RecognizeNotFoundError) throw new UserNotFoundError(userId.toUpperCase());
      if (err instanceof RecognizeError) throw new UpstreamUnavailableError('The simulator did not list the pending operations; try again');
      throw err;
    }
  }

  approve(operationId: string): PhoneOperation & { state: string } {
    return this.decide(operationId, (sim) => sim.approve(operationId, { authType: 'biom', deviceId: 'demo-phone' }));
  }

  reject(operationId: string): PhoneOperation & { state: string } {
    return this.decide(operationId, (sim) => sim.reject(operationId));
  }

  private decide(operationId: string, decision: (sim: RecognizeSimulator) => SimulatedOperation): PhoneOperation & { state: string } {
    const simulator = this.simulator();
    try {
      const operation = decision(simulator);
      return { operationId: operation.operationId, message: operation.operationPayload, state: operation.state };
    } catch (err) {
      if (err instanceof SimulatorError && err.status === 404) throw new DemoOperationNotFoundError(operationId);
      if (err instanceof SimulatorError && err.status === 409) {
        throw new DemoOperationDecidedError(operationId, simulator.operation(operationId)?.state ?? 'decided');
      }
      throw err;
    }
  }

  private simulator(): RecognizeSimulator {
    if (!this.host.simulator) throw new DemoPhoneUnavailableError();
    return this.host.simulator;
  }
}
