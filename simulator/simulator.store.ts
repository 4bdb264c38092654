import { SimulatorError } from './simulator.http';

/** How the user confirmed on the phone, as Recognize names it (the simulator shares no code with the service). */
export type AuthType = 'biom' | 'pin';

/** An operation as the simulator keeps it: the upstream fields plus what tests and benchmarks need. */
export interface SimulatedOperation {
  id: number;
  timestamp: string;
  nodeId: string;
  userId: string;
  operationId: string;
  operationPayload?: string;
  externalUserId?: string;
  state: string;
  result: boolean;
  authType?: AuthType;
  deviceId?: string;
  /** ms since epoch. */
  createdAt: number;
  /** ms since epoch, set when approved or rejected. */
  decidedAt?: number;
}

interface SimulatedAuthentication {
  at: number;
  userId: string;
  externalUserId?: string;
  result: 'APPROVED' | 'REJECTED';
  operationId: string;
  deviceId?: string;
  authType?: AuthType;
}

export interface StoreOptions {
  enrollment: 'open' | 'closed';
  users: string[];
  nodeId: string;
}

/** The telemetry API only reports the last 10 minutes. */
const AUTHENTICATION_WINDOW_MS = 10 * 60 * 1000;
const HEX_USER = /^[0-9A-F]+$/;

/** Recognize's timestamps are local date-times without an offset ("2025-05-21T10:30:00.000"); we use UTC. */
export function recognizeTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

export function assertHexUser(userId: string): void {
  if (!HEX_USER.test(userId)) throw new SimulatorError(400, 'userId must be an upper-case hexadecimal string');
}

/** Users, operations and telemetry of one simulated Recognize tenant. */
export class SimulatorStore {
  private readonly operations = new Map<string, SimulatedOperation>();
  private readonly pendingByUser = new Map<string, Map<string, SimulatedOperation>>();
  private authentications: SimulatedAuthentication[] = [];
  private readonly enrolled = new Set<string>();
  /** Open enrollment: users removed through the control API. */
  private readonly removed = new Set<string>();
  private readonly externalUsers = new Set<string>();
  private nextId = 1;

  constructor(private readonly options: StoreOptions) {
    this.reset();
  }

  reset(): void {
    this.operations.clear();
    this.pendingByUser.clear();
    this.authentications = [];
    this.enrolled.clear();
    this.removed.clear();
    this.externalUsers.clear();
    this.nextId = 1;
    for (const user of this.options.users) this.enroll(user);
  }

  /** Open enrollment lets every hex user exist except `DEAD…` ones, so the 404 path stays reachable by hand. */
  userExists(userId: string): boolean {
    if (this.enrolled.has(userId)) return true;
    return this.options.enrollment === 'open' && !this.removed.has(userId) && !userId.startsWith('DEAD');
  }

  enroll(userId: string): void {
    assertHexUser(userId);
    this.removed.delete(userId);
    this.enrolled.add(userId);
  }

  unenroll(userId: string): void {
    assertHexUser(userId);
    this.enrolled.delete(userId);
    this.removed.add(userId);
  }

  create(userId: string, input: { operationId: string; externalUserId?: string; operationPayload?: string }): SimulatedOperation {
    if (!this.userExists(userId)) throw new SimulatorError(404, 'user not found');
    if (this.operations.has(input.operationId)) throw new SimulatorError(409, 'operationId already exists');
    const now = Date.now();
    const operation: SimulatedOperation = {
      id: this.nextId++,
      timestamp: recognizeTimestamp(now),
      nodeId: this.options.nodeId,
      userId,
      operationId: input.operationId,
      state: 'pending',
      result: false,
      createdAt: now,
    };
    if (input.operationPayload !== undefined) operation.operationPayload = input.operationPayload;
    if (input.externalUserId !== undefined) {
      operation.externalUserId = input.externalUserId;
      this.externalUsers.add(input.externalUserId);
    }
    this.operations.set(operation.operationId, operation);
    this.pendingOf(userId, true).set(operation.operationId, operation);
    return operation;
  }

  get(operationId: string): SimulatedOperation | undefined {
    return this.operations.get(operationId);
  }

  pending(userId: string): SimulatedOperation[] {
    if (!this.userExists(userId)) throw new SimulatorError(404, 'user not found');
    return [...(this.pendingOf(userId, false)?.values() ?? [])];
  }

  decide(operationId: string, decision: { result: boolean; state: string; authType?: AuthType; deviceId?: string }): SimulatedOperation {
    const operation = this.operations.get(operationId);
    if (!operation) throw new SimulatorError(404, 'operation not found');
    if (operation.state !== 'pending') throw new SimulatorError(409, `operation is already ${operation.state}`);
    const now = Date.now();
    operation.state = decision.state;
    operation.result = decision.result;
    operation.decidedAt = now;
    if (decision.authType) operation.authType = decision.authType;
    if (decision.deviceId) operation.deviceId = decision.deviceId;
    this.pendingOf(operation.userId, false)?.delete(operationId);
    this.record({
      at: now,
      userId: operation.userId,
      externalUserId: operation.externalUserId,
      result: decision.result ? 'APPROVED' : 'REJECTED',
      operationId,
      deviceId: operation.deviceId,
      authType: operation.authType,
    });
    return operation;
  }

  vanish(operationId: string): void {
    const operation = this.operations.get(operationId);
    if (!operation) throw new SimulatorError(404, 'operation not found');
    this.operations.delete(operationId);
    this.pendingOf(operation.userId, false)?.delete(operationId);
  }

  /** The telemetry body of GET /users/{id}/authentications or /external-users/{id}/authentications. */
  authenticationsOf(kind: 'userId' | 'externalUserId', id: string, operationId: string | undefined): object {
    const known = kind === 'userId' ? this.userExists(id) : this.externalUsers.has(id);
    if (!known) throw new SimulatorError(404, kind === 'userId' ? 'user not found' : 'external user not found');
    this.prune(Date.now());
    const authentications = this.authentications
      .filter((a) => a[kind] === id && (operationId === undefined || a.operationId === operationId))
      .map((a) => ({
        createdAt: recognizeTimestamp(a.at),
        result: a.result,
        errorCode: 0,
        operationId: a.operationId,
        ...(a.deviceId ? { deviceId: a.deviceId } : {}),
        ...(a.authType ? { authType: a.authType } : {}),
      }));
    return {
      page: { number: 0, size: 20, totalElements: authentications.length ? 1 : 0, totalPages: authentications.length ? 1 : 0 },
      content: authentications.length ? [{ [kind]: id, authentications }] : [],
    };
  }

  private record(authentication: SimulatedAuthentication): void {
    this.prune(authentication.at);
    this.authentications.push(authentication);
  }

  /** Entries are appended in time order, so the expired ones are a prefix. */
  private prune(now: number): void {
    const firstLive = this.authentications.findIndex((a) => now - a.at <= AUTHENTICATION_WINDOW_MS);
    if (firstLive === 0) return;
    this.authentications = firstLive < 0 ? [] : this.authentications.slice(firstLive);
  }

  private pendingOf(userId: string, create: true): Map<string, SimulatedOperation>;
  private pendingOf(userId: string, create: false): Map<string, SimulatedOperation> | undefined;
  private pendingOf(userId: string, create: boolean): Map<string, SimulatedOperation> | undefined {
    let pending = this.pendingByUser.get(userId);
    if (!pending && create) {
      pending = new Map();
      this.pendingByUser.set(userId, pending);
    }
    return pending;
  }
}
