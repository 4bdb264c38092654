import { Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentClient } from '../clients/api-key.guard';
import { ClientConfig } from '../clients/client.config';
import { ApprovalResponse } from '../approvals/approvals.service';
import { DeliveriesService } from './deliveries.service';

@ApiTags('approvals')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller({ path: 'approvals', version: '1' })
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Post(':id/deliveries/redeliver')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Send an approval's dead-lettered webhooks again (same webhook-id)" })
  @ApiResponse({ status: 202, description: 'Accepted: the approval, its deliveries pending again' })
  @ApiResponse({ status: 404, description: 'No such approval for this client' })
  @ApiResponse({ status: 409, description: 'No dead delivery to send again' })
  redeliver(@CurrentClient() client: ClientConfig, @Param('id') id: string): Promise<ApprovalResponse> {
    return this.deliveries.redeliver(client, id);
  }
}
