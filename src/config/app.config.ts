import { ClientConfig } from '../clients/client.config';
import { DemoConfig } from './demo.config';
import { ReceiptsConfig, SignaturesConfig } from './evidence.config';
import { RuntimeConfig } from './runtime.config';
import { SseConfig } from './sse.config';
import { ObservabilityConfig } from './observability.config';
import { HttpConfig } from './http.config';
import { NodeEnv } from './node-env';
import { OidcConfig } from './oidc.config';
import { WebhookTargetsConfig } from './webhook-targets.config';

/** The service's configuration, validated once at boot (see config.loader.ts). */
export class AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  redis: {
    url: string;
    /** Prefix of every key and BullMQ queue this service owns. */
    prefix: string;
  };
  recognize: {
    /** Unset: the bundled simulator is started in-process. */
    baseUrl?: string;
    apiKey: string;
    requestTimeoutMs: number;
    /** Per-instance circuit breaker: consecutive outage answers that open it, and its open time. */
    breaker: { threshold: number; halfOpenAfterMs: number };
  };
  simulator: {
    /** Port of the in-process simulator; 0 picks a free one. */
    port: number;
    /** The simulator's control API (…/_sim), which the demo's phone panel drives; unset: no phone panel. */
    controlUrl?: string;
    /** Bearer token of the control API; also the in-process simulator's token when set. */
    controlToken?: string;
  };
  /** Checks of the Recognize SDK's transaction JWTs. */
  signatures: SignaturesConfig;
  /** Signing of approval receipts. */
  receipts: ReceiptsConfig;
  clients: ClientConfig[];
  /** True when CLIENTS was unset and the development client is in use. */
  usesDevelopmentClient: boolean;
  polling: {
    intervalMs: number;
    /** Polls in flight at once in this process. */
    concurrency: number;
    /** Period of the tick that claims due polls. */
    tickMs: number;
    /** How long a claimed poll stays claimed: after a crash, the approval is polled again once it has passed. */
    leaseMs: number;
  };
  approvals: {
    defaultTimeoutS: number;
    /** How long a terminal approval and its events stay readable. */
    retentionS: number;
  };
  webhooks: {
    timeoutMs: number;
    retryHorizonS: number;
    retryBaseMs: number;
    concurrency: number;
    /** Attempts in flight at once for one client in one process: a slow receiver keeps the other slots for other clients. */
    clientConcurrency: number;
    /** Which addresses a webhook may connect to. */
    targets: WebhookTargetsConfig;
  };
  demo: DemoConfig;
  runtime: RuntimeConfig;
  logging: ObservabilityConfig['logging'];
  /** Unset: no queue dashboard. */
  admin?: ObservabilityConfig['admin'];
  /** Unset: /metrics, /docs and readiness details are open, as in contract v1. */
  opsToken?: string;
  sse: SseConfig;
  http: HttpConfig;
  /** The OpenID CIBA front door; `issuer` unset: off. */
  oidc: OidcConfig;
}
