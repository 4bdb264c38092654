/** One calling app, as configured in CLIENTS. */
export interface ClientConfig {
  id: string;
  apiKey: string;
  webhookUrl?: string;
  webhookSecret?: string;
  callbackOrigins: string[];
}
