import { ClientConfig } from '../clients/client.config';
import { ApprovalsConfig, PollingConfig } from './approvals.config';
import { DemoConfig } from './demo.config';
import { ReceiptsConfig, SignaturesConfig } from './evidence.config';
import { RuntimeConfig } from './runtime.config';
import { SseConfig } from './sse.config';
import { ObservabilityConfig } from './observability.config';
import { HttpConfig } from './http.config';
import { NodeEnv } from './node-env';
import { RecognizeConfig, SimulatorConfig } from './recognize.config';
import { RedisConfig } from './redis.config';
import { WebhooksConfig } from './webhooks.config';
import { OidcConfig } from './oidc.config';

/** The service's configuration, validated once at boot (see config.loader.ts); each section's type sits beside its resolver. */
export class AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  redis: RedisConfig;
  recognize: RecognizeConfig;
  simulator: SimulatorConfig;
  /** Checks of the Recognize SDK's transaction JWTs. */
  signatures: SignaturesConfig;
  /** Signing of approval receipts. */
  receipts: ReceiptsConfig;
  clients: ClientConfig[];
  /** True when CLIENTS was unset and the development client is in use. */
  usesDevelopmentClient: boolean;
  polling: PollingConfig;
  approvals: ApprovalsConfig;
  webhooks: WebhooksConfig;
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
