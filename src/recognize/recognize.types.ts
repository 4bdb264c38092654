/** Shapes of the PingOne Recognize server API (../shared/recognize-api), as this service uses them. */

export type AuthType = 'biom' | 'pin';

export interface CreateOperationRequest {
  /** Upper-case hexadecimal user id. */
  userId: string;
  operationId: string;
  externalUserId?: string;
  operationPayload?: string;
}

/**
 * GET /operations/{operationId}. Upstream also sends `apiKey` (the customer SDK key);
 * the client drops it while parsing so that it can never travel further.
 */
export interface RecognizeOperation {
  id: number;
  timestamp: string;
  nodeId: string;
  userId: string;
  operationId: string;
  /** Documented values: 'approved' | 'pending'; anything else is treated as decided. */
  state: string;
  result: boolean;
  externalUserId?: string;
  operationPayload?: string;
  authType?: AuthType;
}

/** GET /users/{userId}/operations/pending, one element. */
export interface PendingOperation {
  operationId: string;
  operationPayload?: string;
  externalUserId?: string;
  authType?: AuthType;
}

/** One authentication of the telemetry API (the last 10 minutes only). */
export interface RecognizeAuthentication {
  createdAt: string;
  result: string;
  errorCode: number;
  operationId?: string;
  deviceId?: string;
  authType?: AuthType;
}
