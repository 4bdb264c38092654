import * as dns from 'node:dns';
import { WebhookTargetPolicy } from '../config/webhook-target.policy';

/** A webhook target this service will not call: a permanent failure, never retried into success. */
export class WebhookTargetRefusedError extends Error {
  readonly code = 'ERR_WEBHOOK_TARGET_REFUSED';
}

/** For http(s).Agent: resolves like dns.lookup, then refuses the connection if any address `policy` refuses. */
export function refusingLookup(policy: WebhookTargetPolicy): typeof dns.lookup {
  return ((
    hostname: string,
    options: dns.LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
  ): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const refusal = addresses.map((a) => policy.addressRefusal(a.address, hostname)).find((r) => r !== undefined);
      if (refusal || addresses.length === 0) {
        return callback(
          new WebhookTargetRefusedError(
            `${hostname} resolves to ${refusal ?? 'no address'}; list it in WEBHOOK_ALLOWED_HOSTS if this is deliberate`,
          ),
          [],
        );
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  }) as typeof dns.lookup;
}
