import { Injectable } from '@nestjs/common';
import { ApprovalsService } from '../approvals/approvals.service';
import { ClientConfig } from '../clients/client.config';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { DemoApprovalDto } from './dto/demo-approval.dto';

/** What the page learns about the approval it started: enough to follow it, never the client's key. */
export interface DemoApproval {
  id: string;
  userId: string;
  message?: string;
  status: string;
  expiresAt: string;
  eventsUrl: string;
}

/**
 * The banking app's backend, played in-process: it holds the demo client's identity, so the page
 * starts approvals the way a real frontend would ask its own server to, with no key in the browser.
 */
@Injectable()
export class DemoService {
  private readonly client: ClientConfig;

  constructor(private readonly approvals: ApprovalsService, clients: ClientsRegistry, config: AppConfig) {
    const client = config.demo.clientId === undefined ? undefined : clients.findById(config.demo.clientId);
    // loadConfig only enables the demo with a known client; this guards a hand-built config.
    if (!client) throw new Error('The demo is enabled without a demo client');
    this.client = client;
  }

  get clientId(): string {
    return this.client.id;
  }

  async start(dto: DemoApprovalDto): Promise<DemoApproval> {
    const { approval } = await this.approvals.create(this.client, { userId: dto.userId, message: dto.message, metadata: { source: 'demo' } });
    return {
      id: approval.id,
      userId: approval.userId,
      message: approval.message,
      status: approval.status,
      expiresAt: approval.expiresAt,
      eventsUrl: approval.eventsUrl,
    };
  }
}
