import { Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApprovalWithDeliveriesDto } from '../approvals/dto/approval-response.dto';
import { ApiProblems } from '../common/api-problems.decorator';
import { ApiKeyGuard, CurrentClient } from '../clients/api-key.guard';
import { ClientConfig } from '../clients/client.config';
import { ApprovalResponse } from '../approvals/approval';
import { DeliveriesService } from './deliveries.service';

@ApiTags('approvals')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller({ path: 'approvals', version: '1' })
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Post(':id/deliveries/redeliver')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ operationId: 'redeliverDeliveries', summary: "Send an approval's dead-lettered webhooks again (same webhook-id)" })
  @ApiParam({ name: 'id', description: 'The approval id (its operationId)', example: 'txn-20250521-001' })
  @ApiResponse({ status: 202, description: 'Accepted: the approval, its dead deliveries pending again', type: ApprovalWithDeliveriesDto })
  @ApiProblems([401, 404, 409, 429, 500], { 409: 'No dead delivery to send again' })
  redeliver(@CurrentClient() client: ClientConfig, @Param('id') id: string): Promise<ApprovalResponse> {
    return this.deliveries.redeliver(client, id);
  }

  @Post(':id/deliveries/:eventId/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ operationId: 'resendDelivery', summary: 'Send one event of the approval again, delivered or not (same webhook-id)' })
  @ApiParam({ name: 'id', description: 'The approval id (its operationId)', example: 'txn-20250521-001' })
  @ApiParam({ name: 'eventId', description: 'The event id (the webhook-id)', example: 'evt_4f1c2b8e9d0a4c7b8e1f2a3b4c5d6e7f' })
  @ApiResponse({ status: 202, description: 'Accepted: the event is queued for delivery' })
  @ApiProblems([401, 404, 409], { 404: 'Unknown approval or event', 409: 'Nowhere to send: no callbackUrl and no webhookUrl' })
  async resend(@CurrentClient() client: ClientConfig, @Param('id') id: string, @Param('eventId') eventId: string): Promise<void> {
    await this.deliveries.resend(client, id, eventId);
  }
}
