import { ClientConfig } from '../clients/client.config';

/** The demo page (/demo): which client it acts as, and whether it is served at all. */
export interface DemoConfig {
  /** True only when a demo client is known: every /demo route exists only then. */
  enabled: boolean;
  /** The client whose approvals the demo page creates. Never its key: the page never sees it. */
  clientId?: string;
}

export interface DemoEnv {
  DEMO_ENABLED?: 'true' | 'false';
  DEMO_CLIENT_ID?: string;
}

/**
 * The demo creates approvals without a key on behalf of one client, so it is on by default only
 * outside production, and in production only when DEMO_ENABLED=true names it explicitly and
 * DEMO_CLIENT_ID is a demo-only client. It acts as the development client, or as DEMO_CLIENT_ID when
 * CLIENTS is configured.
 */
export function resolveDemo(
  env: DemoEnv,
  production: boolean,
  clients: ClientConfig[] | undefined,
  developmentClient: ClientConfig,
  problems: string[],
): DemoConfig {
  const wanted = env.DEMO_ENABLED === undefined ? !production : env.DEMO_ENABLED === 'true';
  if (env.DEMO_CLIENT_ID !== undefined) {
    const client = (clients ?? [developmentClient]).find((c) => c.id === env.DEMO_CLIENT_ID);
    if (!client) problems.push('DEMO_CLIENT_ID must be the id of a client in CLIENTS');
    // Anyone who reaches /demo acts as this client: in production it must be one that exists for nothing else.
    if (client && wanted && production && !isDemoOnly(client)) {
      problems.push(
        'DEMO_CLIENT_ID must name a demo-only client ("demo": true, no webhookUrl, no callbackOrigins) when DEMO_ENABLED=true and NODE_ENV=production',
      );
    }
    return { enabled: wanted && client !== undefined, clientId: env.DEMO_CLIENT_ID };
  }
  if (!clients) return { enabled: wanted, clientId: developmentClient.id };
  if (env.DEMO_ENABLED === 'true') problems.push('DEMO_CLIENT_ID is required when DEMO_ENABLED=true and CLIENTS is set');
  // CLIENTS configured and no demo client named: a plain deployment, no demo.
  return { enabled: false };
}

function isDemoOnly(client: ClientConfig): boolean {
  return client.demo === true && !client.webhookUrl && client.callbackOrigins.length === 0;
}
