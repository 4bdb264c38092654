import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentClient } from '../clients/api-key.guard';
import { ClientConfig } from '../clients/client.config';
import { ApiProblems } from '../common/api-problems.decorator';
import { DeliveriesService } from './deliveries.service';
import { DeliveryPage } from './delivery.index';
import { DeliveryPageDto, ListDeliveriesQueryDto, RecoverDeliveriesDto, RecoveredDto, TestEventSentDto } from './dto/deliveries.dto';

/** The calling client's webhook deliveries across approvals: list, recover, test. */
@ApiTags('webhooks')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller({ version: '1' })
export class WebhookOperationsController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @ApiOperation({
    operationId: 'listDeliveries',
    summary: "The client's dead or pending webhook deliveries, oldest first, a page at a time",
  })
  @ApiResponse({ status: 200, type: DeliveryPageDto })
  @ApiProblems([400, 401, 404], { 404: 'Not found' })
  list(@CurrentClient() client: ClientConfig, @Query() query: ListDeliveriesQueryDto): Promise<DeliveryPage> {
    return this.deliveries.list(client, query.state, query.since ? Date.parse(query.since) : 0, query.limit ?? 50, query.cursor);
  }

  @Post('deliveries/recover')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'recoverDeliveries',
    summary: 'Send every dead delivery since a time again (same webhook-ids, a new round of retries)',
  })
  @ApiResponse({ status: 202, type: RecoveredDto })
  @ApiProblems([400, 401, 404], { 404: 'Not found' })
  async recover(@CurrentClient() client: ClientConfig, @Body() body: RecoverDeliveriesDto): Promise<RecoveredDto> {
    return { requeued: await this.deliveries.recover(client, Date.parse(body.since)) };
  }

  @Post('webhooks/test')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'sendTestWebhook',
    summary: "Send a signed `webhook.test` event to the client's webhookUrl, retried like any delivery",
  })
  @ApiResponse({ status: 202, type: TestEventSentDto })
  @ApiProblems([401, 404, 409], { 404: 'Not found', 409: 'The client has no webhookUrl' })
  async sendTest(@CurrentClient() client: ClientConfig): Promise<TestEventSentDto> {
    return { eventId: await this.deliveries.sendTest(client) };
  }
}
