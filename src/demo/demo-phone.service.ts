/** One line of the phone's inbox. */
export interface PhoneOperation {
  operationId: string;
  message?: string;
}

/**
 * What the user's phone does: list what waits for a decision, and approve or reject it. Only the
 * simulator's phone can be played from here (phone/simulator-phone.client.ts, loaded when
 * SIMULATOR_CONTROL_URL is known); with real Recognize there is no implementation and the routes
 * answer demo_phone_unavailable.
 */
export abstract class DemoPhoneService {
  abstract pending(userId: string): Promise<PhoneOperation[]>;
  abstract approve(operationId: string): Promise<PhoneOperation & { state: string }>;
  abstract reject(operationId: string): Promise<PhoneOperation & { state: string }>;
}
