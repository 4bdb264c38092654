import { unescape } from 'node:querystring';

/** What the logger must never write: credentials in headers and any field that names a secret. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.authorization',
  '*.apiKey',
  '*.webhookSecret',
  '*.secret',
  '*.token',
  '*.password',
  // CIBA (ciba/): credentials and one-time values of the OAuth endpoints.
  '*.clientSecret',
  '*.client_secret',
  '*.client_assertion',
  '*.auth_req_id',
  '*.client_notification_token',
  '*.access_token',
  '*.id_token',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["X-Api-Key"]',
];

export const CENSOR = '[redacted]';

/** Query parameters that carry a credential (the eventsUrl token), by their decoded, lower-cased name. */
const SECRET_QUERY_NAMES = new Set([
  'token',
  'apikey',
  'api_key',
  'api-key',
  'access_token',
  'secret',
  'client_secret',
  'client_assertion',
  'auth_req_id',
  'id_token_hint',
]);

/**
 * The URL with every credential-bearing query value replaced. Names are compared as the query parser
 * reads them (`+` as a space, percent-decoded, `name[…]` as `name`), so `?%74oken=` is redacted like
 * `?token=`: matching the raw text would log what the server accepts as a token.
 */
export function redactUrl(url: string | undefined): string | undefined {
  const start = url?.indexOf('?') ?? -1;
  if (url === undefined || start < 0) return url;
  const end = url.indexOf('#', start) < 0 ? url.length : url.indexOf('#', start);
  const query = url
    .slice(start + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      const name = unescape(rawName.replace(/\+/g, ' ')).trim().toLowerCase().replace(/\[.*$/, '');
      return SECRET_QUERY_NAMES.has(name) ? `${rawName}=${CENSOR}` : pair;
    })
    .join('&');
  return `${url.slice(0, start + 1)}${query}${url.slice(end)}`;
}
