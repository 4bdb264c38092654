import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { AuthType } from './simulator.store';
import { handleControl } from './simulator.control';
import { FaultQueue, SimulatorFault, SimulatorRoute, validateFault } from './simulator.faults';
import { parseJsonObject, pathSegments, readBody, sendJson, sendRaw, SimulatorError } from './simulator.http';
import { assertHexUser, SimulatedOperation, SimulatorStore } from './simulator.store';
import { jwksPathOf, serveKeys } from './simulator.jwt';
import { TransactionSigner } from './transaction-signer';
import { acceptsJson, matchUpstream, peekOperationId, pendingView, UpstreamMatch, upstreamView } from './simulator.upstream';

export { SIMULATED_CUSTOMER_API_KEY } from './simulator.upstream';

export interface RecognizeSimulatorOptions {
  apiKey: string;
  /** 'open' (default): every hex user exists except `DEAD…` and removed ones; 'closed': only `users` and enrolled ones. */
  enrollment?: 'open' | 'closed';
  users?: string[];
  basePath?: string;
  nodeId?: string;
  /** Bearer token the /_sim control API requires; unset: a random one (read it from `controlToken`). */
  controlToken?: string;
  /** The tenant name in the key set's path, /customers/{tenant}/.well-known/jwks.json. Default `simulator`. */
  tenant?: string;
}

export interface SimulatorStats {
  requests: Record<SimulatorRoute, number>;
  getsByOperation: Record<string, number>;
  maxConcurrentGetsByOperation: Record<string, number>;
  /** Highest number of GETs in flight at once for any single operation. */
  maxConcurrentGets: number;
  /** Highest number of GETs in flight at once over all operations. */
  maxInFlightGets: number;
  /** GETs of the transaction-JWT key set (jwks.json) since the simulator started. */
  keySetFetches: number;
}

export interface RecognizeSimulatorEvents {
  decided: [{ operationId: string; at: number }];
  /** A request reached an upstream route (before faults and auth): lets tests await in-flight requests. */
  request: [{ route: SimulatorRoute; operationId?: string }];
}

/** A fast in-memory PingOne Recognize server API on plain node:http, with a control API under /_sim. */
export class RecognizeSimulator extends EventEmitter<RecognizeSimulatorEvents> {
  private readonly store: SimulatorStore;
  private readonly faults = new FaultQueue();
  private readonly basePath: string;
  private readonly held = new Set<() => void>();
  private server?: Server;
  private baseUrl?: string;
  private counters = emptyCounters();
  private getsByOperation = new Map<string, number>();
  private inFlightGets = new Map<string, number>();
  private maxConcurrentGetsByOperation = new Map<string, number>();
  private inFlightTotal = 0;
  private maxInFlightTotal = 0;
  /** Whoever holds it can approve any operation: it guards /_sim even on loopback. */
  readonly controlToken: string;
  /** The keys that sign the simulated tenant's transaction JWTs, as Recognize's JWT signing does. */
  readonly signer = new TransactionSigner();
  /** Where the key set is served, at the server's root like Recognize's. */
  readonly jwksPath: string;

  constructor(private readonly options: RecognizeSimulatorOptions) {
    super();
    this.controlToken = options.controlToken || randomBytes(24).toString('base64url');
    this.basePath = (options.basePath ?? '/v2').replace(/\/+$/, '');
    this.jwksPath = jwksPathOf(options.tenant ?? 'simulator');
    this.store = new SimulatorStore({
      enrollment: options.enrollment ?? 'open',
      users: options.users ?? [],
      nodeId: options.nodeId ?? 'recognize-simulator-node-1',
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${hostname}:${address.port}${this.basePath}`;
    return this.baseUrl;
  }

  /** The key set's URL once listening: what RECOGNIZE_JWKS_URL points at. */
  jwksUrl(): string {
    if (!this.baseUrl) throw new Error('the simulator is not listening');
    return `${new URL(this.baseUrl).origin}${this.jwksPath}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    this.releaseHeld();
    await closed;
  }

  approve(operationId: string, options: { authType?: AuthType; deviceId?: string } = {}): SimulatedOperation {
    const authType = options.authType ?? 'biom';
    if (authType !== 'biom' && authType !== 'pin') throw new SimulatorError(400, 'authType must be biom or pin');
    const operation = this.store.decide(operationId, {
      result: true,
      state: 'approved',
      authType,
      deviceId: options.deviceId ?? 'simulated-device-1',
    });
    this.emit('decided', { operationId, at: operation.decidedAt! });
    return operation;
  }

  /** The docs only name 'approved' and 'pending'; `state` lets tests play other readings of a rejection. */
  reject(operationId: string, options: { state?: string } = {}): SimulatedOperation {
    const state = options.state ?? 'rejected';
    if (typeof state !== 'string' || state === '' || state === 'pending') {
      throw new SimulatorError(400, 'state must be a non-empty string other than pending');
    }
    const operation = this.store.decide(operationId, { result: false, state });
    this.emit('decided', { operationId, at: operation.decidedAt! });
    return operation;
  }

  vanish(operationId: string): void {
    this.store.vanish(operationId);
  }

  enroll(userId: string): void {
    this.store.enroll(userId);
  }

  unenroll(userId: string): void {
    this.store.unenroll(userId);
  }

  operation(operationId: string): SimulatedOperation | undefined {
    const operation = this.store.get(operationId);
    return operation && { ...operation };
  }

  setFault(fault: SimulatorFault): void {
    this.faults.add(validateFault({ ...fault }));
  }

  /** Also releases requests held by a delay, so a test can hold requests as long as it needs. */
  clearFaults(): void {
    this.faults.clear();
    this.releaseHeld();
  }

  reset(): void {
    this.clearFaults();
    this.store.reset();
    this.counters = emptyCounters();
    this.getsByOperation = new Map();
    this.maxConcurrentGetsByOperation = new Map();
    this.maxInFlightTotal = this.inFlightTotal;
  }

  stats(): SimulatorStats {
    return {
      requests: { ...this.counters },
      getsByOperation: Object.fromEntries(this.getsByOperation),
      maxConcurrentGetsByOperation: Object.fromEntries(this.maxConcurrentGetsByOperation),
      maxConcurrentGets: Math.max(0, ...this.maxConcurrentGetsByOperation.values()),
      maxInFlightGets: this.maxInFlightTotal,
      keySetFetches: this.signer.keySetFetches,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt < 0 ? url : url.slice(0, queryAt);
      if (path === '/_sim' || path.startsWith('/_sim/')) {
        if (!this.controlAllowed(req.headers.authorization)) {
          throw new SimulatorError(401, 'the control API needs Authorization: Bearer <SIMULATOR_CONTROL_TOKEN>');
        }
        return await handleControl(this, req, res, path.slice('/_sim'.length));
      }
      // For container healthchecks: says nothing but "up", so it needs no token.
      if (path === '/healthz' && req.method === 'GET') return sendJson(res, 200, { status: 'ok' });
      if (await serveKeys(this.signer, { jwksPath: this.jwksPath, basePath: this.basePath, apiKey: this.options.apiKey }, req, res, path))
        return;
      const match = path.startsWith(`${this.basePath}/`)
        ? matchUpstream(req.method, pathSegments(path.slice(this.basePath.length)))
        : undefined;
      if (!match) throw new SimulatorError(404, 'no such route');
      await this.serveUpstream(req, res, match, queryAt < 0 ? '' : url.slice(queryAt + 1));
    } catch (error) {
      if (error instanceof SimulatorError) sendJson(res, error.status, { error: error.message });
      else sendJson(res, 500, { error: 'simulator failure' });
    }
  }

  private controlAllowed(authorization: string | undefined): boolean {
    const given = Buffer.from(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(this.controlToken);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private async serveUpstream(req: IncomingMessage, res: ServerResponse, match: UpstreamMatch, query: string): Promise<void> {
    this.counters[match.route] += 1;
    const rawBody = match.route === 'create' ? await readBody(req) : '';
    if (match.route === 'create') match.operationId = peekOperationId(rawBody);
    if (match.route === 'authentications') match.operationId = new URLSearchParams(query).get('operationId') ?? undefined;
    if (match.route === 'get') this.trackGet(match.operationId!, res);
    this.emit('request', { route: match.route, operationId: match.operationId });

    const fault = this.faults.take(match.route, match.operationId);
    if (fault?.delayMs) await this.hold(fault.delayMs);
    if (fault?.status !== undefined) {
      return sendJson(res, fault.status, { error: 'simulated fault' }, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    }
    if (fault?.malformed) return sendRaw(res, 200, '{"simulated": malformed');

    if (req.headers['x-api-key'] !== this.options.apiKey) throw new SimulatorError(401, 'missing or invalid API key');
    if (!acceptsJson(req.headers.accept)) throw new SimulatorError(406, 'only application/json is produced');
    switch (match.route) {
      case 'create':
        return this.create(req, res, match.userId!, rawBody);
      case 'pending':
        assertHexUser(match.userId!);
        return sendJson(res, 200, this.store.pending(match.userId!).map(pendingView));
      case 'get': {
        const operation = this.store.get(match.operationId!);
        if (!operation) throw new SimulatorError(404, 'operation not found');
        const view = upstreamView(operation);
        return sendJson(res, 200, fault?.answerOperationId !== undefined ? { ...view, operationId: fault.answerOperationId } : view);
      }
      case 'authentications':
        if (match.userId !== undefined) assertHexUser(match.userId);
        return sendJson(
          res,
          200,
          match.userId !== undefined
            ? this.store.authenticationsOf('userId', match.userId, match.operationId)
            : this.store.authenticationsOf('externalUserId', match.externalUserId!, match.operationId),
        );
    }
  }

  private create(req: IncomingMessage, res: ServerResponse, userId: string, rawBody: string): void {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') throw new SimulatorError(415, 'Content-Type must be application/json');
    assertHexUser(userId);
    const body = parseJsonObject(rawBody, false);
    if (typeof body.operationId !== 'string' || body.operationId === '') throw new SimulatorError(400, 'operationId is required');
    for (const field of ['externalUserId', 'operationPayload'] as const) {
      if (body[field] !== undefined && typeof body[field] !== 'string') throw new SimulatorError(400, `${field} must be a string`);
    }
    this.store.create(userId, {
      operationId: body.operationId,
      externalUserId: body.externalUserId as string | undefined,
      operationPayload: body.operationPayload as string | undefined,
    });
    sendJson(res, 200, { success: true });
  }

  private trackGet(operationId: string, res: ServerResponse): void {
    this.getsByOperation.set(operationId, (this.getsByOperation.get(operationId) ?? 0) + 1);
    const inFlight = (this.inFlightGets.get(operationId) ?? 0) + 1;
    this.inFlightGets.set(operationId, inFlight);
    if (inFlight > (this.maxConcurrentGetsByOperation.get(operationId) ?? 0)) this.maxConcurrentGetsByOperation.set(operationId, inFlight);
    this.inFlightTotal += 1;
    if (this.inFlightTotal > this.maxInFlightTotal) this.maxInFlightTotal = this.inFlightTotal;
    // 'close' fires once the response is done or the socket dies, so an abandoned request stops counting too.
    res.once('close', () => {
      this.inFlightTotal -= 1;
      const left = (this.inFlightGets.get(operationId) ?? 1) - 1;
      if (left === 0) this.inFlightGets.delete(operationId);
      else this.inFlightGets.set(operationId, left);
    });
  }

  private hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.held.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.held.add(release);
    });
  }

  private releaseHeld(): void {
    for (const release of [...this.held]) release();
  }
}

function emptyCounters(): Record<SimulatorRoute, number> {
  return { create: 0, get: 0, pending: 0, authentications: 0 };
}
