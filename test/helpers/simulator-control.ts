import type { SimulatorFault } from '../../simulator/simulator.faults';
import type { SimulatorStats } from '../../simulator/recognize.simulator';
import type { SimulatedOperation } from '../../simulator/simulator.store';
import type { AuthType } from '../../simulator/simulator.store';
import type { SignTransactionRequest, TransactionAlg } from '../../simulator/transaction-signer';

/** A typed client of the simulator's /_sim control API, for tests that drive it over HTTP. */
export class SimulatorControl {
  private readonly origin: string;

  /**
   * `baseUrl` is the simulator's upstream base (e.g. http://127.0.0.1:PORT/v2); control lives at its
   * origin and needs the simulator's control token.
   */
  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.origin = new URL(baseUrl).origin;
  }

  approve(operationId: string, authType?: AuthType, deviceId?: string): Promise<SimulatedOperation> {
    return this.call('POST', `/operations/${encodeURIComponent(operationId)}/approve`, { authType, deviceId });
  }

  reject(operationId: string, state?: string): Promise<SimulatedOperation> {
    return this.call('POST', `/operations/${encodeURIComponent(operationId)}/reject`, { state });
  }

  async vanish(operationId: string): Promise<void> {
    await this.call('DELETE', `/operations/${encodeURIComponent(operationId)}`);
  }

  getOperation(operationId: string): Promise<SimulatedOperation> {
    return this.call('GET', `/operations/${encodeURIComponent(operationId)}`);
  }

  async enroll(userId: string): Promise<void> {
    await this.call('POST', `/users/${encodeURIComponent(userId)}`);
  }

  async unenroll(userId: string): Promise<void> {
    await this.call('DELETE', `/users/${encodeURIComponent(userId)}`);
  }

  async fault(fault: SimulatorFault): Promise<void> {
    await this.call('POST', '/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  /** A transaction JWT as the Recognize SDK would hand it to the customer's app after the user authenticated with `td`. */
  async signTransaction(request: SignTransactionRequest): Promise<string> {
    return (await this.call<{ jwt: string }>('POST', '/transactions/sign', request)).jwt;
  }

  /** Replaces the signing keys (new kids); the old ones leave the key set at once. */
  async rotateKeys(): Promise<Record<TransactionAlg, string>> {
    return (await this.call<{ kids: Record<TransactionAlg, string> }>('POST', '/keys/rotate')).kids;
  }

  async keyIds(): Promise<Record<TransactionAlg, string>> {
    return (await this.call<{ kids: Record<TransactionAlg, string> }>('GET', '/keys')).kids;
  }

  stats(): Promise<SimulatorStats> {
    return this.call('GET', '/stats');
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private async call<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await fetch(`${this.origin}/_sim${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body && { 'Content-Type': 'application/json' }) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new SimulatorControlError(response.status, `${method} /_sim${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}

export class SimulatorControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorControlError';
  }
}
