import { Transaction } from '../transactions/transaction';

/** One line of the phone's inbox: what the user is asked, and, for the demo's own approvals, the payment itself. */
export interface PhoneOperation {
  operationId: string;
  message?: string;
  transaction?: Transaction;
  expiresAt?: string;
}

/**
 * What the user's phone does: list what waits for a decision, approve or reject it, and sign a
 * transaction as the Recognize SDK does inside the bank's app. Only the simulator's phone can be
 * played from here (phone/simulator-phone.client.ts, loaded when SIMULATOR_CONTROL_URL is known);
 * with real Recognize there is no implementation and the routes answer demo_phone_unavailable.
 */
export abstract class DemoPhoneService {
  abstract pending(userId: string): Promise<PhoneOperation[]>;
  abstract approve(operationId: string): Promise<PhoneOperation & { state: string }>;
  abstract reject(operationId: string): Promise<PhoneOperation & { state: string }>;
  /** The transaction JWT (compact JWS) Recognize signs once the user authenticated with transaction data `td`. */
  abstract signTransaction(td: string): Promise<string>;
}
