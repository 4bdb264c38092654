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
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["X-Api-Key"]',
];

export const CENSOR = '[redacted]';

/** Query parameters that carry a credential (the eventsUrl token). */
const SECRET_QUERY = /([?&](?:token|api[_-]?key|access_token|secret)=)[^&#]*/gi;

/** The URL with every credential-bearing query value replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, `$1${CENSOR}`);
}
