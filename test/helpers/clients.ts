/** Two calling apps, so that tests can check that one never sees the other's approvals. */
export const BANK_APP = {
  id: 'bank-app',
  apiKey: 'bank-app-key-0123456789abcdef',
  webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  callbackOrigins: ['http://127.0.0.1:1', 'https://bank.example'],
};

export const OTHER_APP = {
  id: 'other-app',
  apiKey: 'other-app-key-0123456789abcdef',
  callbackOrigins: [],
};

export const TEST_CLIENTS = [BANK_APP, OTHER_APP];

/**
 * A client in the middle of a webhook secret rotation: the service signs every webhook with both
 * secrets (one `v1,…` signature each), so a receiver holding either one verifies it.
 */
export const ROTATING_APP = {
  id: 'rotating-app',
  apiKey: 'rotating-app-key-0123456789abcdef',
  webhookSecrets: ['whsec_trw3RqjoPhenOQ4NDUwjnOgLw5PMdZIpgw0Oam7JXms=', 'whsec_vSxzRXC0foRDuKDq3xdiyMLZBsgNlBGTAT0F43zBvw0='],
  callbackOrigins: [] as string[],
};

/**
 * Every secret of the test clients that must never reach a response, an event or a log line (the
 * webhook secret with and without its `whsec_` prefix), plus the given Recognize key.
 */
export function clientSecrets(recognizeApiKey: string): string[] {
  return [recognizeApiKey, BANK_APP.apiKey, OTHER_APP.apiKey, BANK_APP.webhookSecret, BANK_APP.webhookSecret.slice('whsec_'.length)];
}
