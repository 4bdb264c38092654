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
