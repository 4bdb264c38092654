import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, CurrentClient } from '../clients/api-key.guard';
import { ClientConfig } from '../clients/client.config';
import { ApiProblems } from '../common/api-problems.decorator';
import {
  APPROVAL_PAGE_EXAMPLE,
  APPROVED_APPROVAL_EXAMPLE,
  CANCELLED_APPROVAL_EXAMPLE,
  PENDING_APPROVAL_EXAMPLE,
} from './approval.examples';
import { ApprovalRepresentation, ApprovalResponse } from './approval';
import { ApprovalLongPoll } from './approval-long-poll';
import { ApprovalPage, ApprovalsListService } from './approvals-list.service';
import { ApprovalsService } from './approvals.service';
import { ApprovalPageDto, ApprovalResponseDto, ApprovalWithDeliveriesDto } from './dto/approval-response.dto';
import { ConsumeApprovalDto } from './dto/consume-approval.dto';
import { CreateApprovalDto } from './dto/create-approval.dto';
import { GetApprovalQueryDto, ListApprovalsQueryDto } from './dto/list-approvals.dto';

@ApiTags('approvals')
@ApiBearerAuth()
@ApiProblems([401, 429, 500])
@UseGuards(ApiKeyGuard)
@Controller({ path: 'approvals', version: '1' })
export class ApprovalsController {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly listing: ApprovalsListService,
    private readonly longPoll: ApprovalLongPoll,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'createApproval', summary: 'Ask a user to approve an operation on their phone' })
  @ApiResponse({
    status: 201,
    description: 'Created: the approval, pending, with its eventsUrl',
    type: ApprovalResponseDto,
    example: PENDING_APPROVAL_EXAMPLE,
  })
  @ApiResponse({
    status: 200,
    description: 'The same request again: the existing approval',
    type: ApprovalResponseDto,
    example: PENDING_APPROVAL_EXAMPLE,
  })
  @ApiProblems([400, 404, 409, 413, 415, 502, 503], {
    400:
      'Invalid request; `errors` names the fields. Besides unknown fields, wrong types and lengths: a member named twice, a number ' +
      'that would not come back as given, a message or payee text that is not NFC or holds control, format or unassigned ' +
      "characters, a message beside a transaction, an amount without exactly its currency's decimals, a code that names no currency",
    404: 'Recognize has no such user',
    409: 'Same operationId with other fields, or already used upstream',
    503:
      'Recognize could not be reached (`recognize_unavailable`); or, behind Redis Sentinel or a cluster, the approval was stored but no ' +
      'replica confirmed it in time (`storage_not_replicated`, with Retry-After): send the same request again with its operationId',
  })
  async create(
    @CurrentClient() client: ClientConfig,
    @Body() dto: CreateApprovalDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApprovalRepresentation> {
    const { approval, created } = await this.approvals.create(client, dto);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return approval;
  }

  @Get()
  @ApiOperation({ operationId: 'listApprovals', summary: "The calling client's approvals, newest first, a page at a time" })
  @ApiResponse({
    status: 200,
    description: 'One page; follow nextCursor until it is null to see every match exactly once',
    type: ApprovalPageDto,
    example: APPROVAL_PAGE_EXAMPLE,
  })
  @ApiProblems([400], { 400: 'An invalid query parameter; `errors` names it' })
  list(@CurrentClient() client: ClientConfig, @Query() query: ListApprovalsQueryDto): Promise<ApprovalPage> {
    return this.listing.list(client, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getApproval', summary: 'Read one approval, optionally waiting (long-poll) for its decision' })
  @ApiParam({ name: 'id', description: 'The approval id (its operationId)', example: 'txn-20250521-001' })
  @ApiResponse({
    status: 200,
    description: 'The approval (with wait: once decided, or still pending after wait seconds)',
    type: ApprovalWithDeliveriesDto,
    example: APPROVED_APPROVAL_EXAMPLE,
  })
  @ApiProblems([400, 404, 429], {
    400: 'wait is not an integer from 0 to 60',
    404: 'Unknown approval, or another client’s',
    429: 'Too many requests; or, with wait, this client already holds CLIENT_MAX_HELD_REQUESTS held requests (event streams and long-polls) on this instance. Retry after Retry-After seconds',
  })
  find(
    @CurrentClient() client: ClientConfig,
    @Param('id') id: string,
    @Query() query: GetApprovalQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApprovalResponse> {
    return this.longPoll.find(client, id, Number(query.wait ?? 0), abortedOnClose(res));
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'cancelApproval', summary: 'Cancel a pending approval' })
  @ApiParam({ name: 'id', description: 'The approval id (its operationId)', example: 'txn-20250521-001' })
  @ApiResponse({ status: 200, description: 'The approval, now cancelled', type: ApprovalResponseDto, example: CANCELLED_APPROVAL_EXAMPLE })
  @ApiProblems([400, 404, 409], { 404: 'Unknown approval, or another client’s', 409: 'The approval is already terminal' })
  cancel(@CurrentClient() client: ClientConfig, @Param('id') id: string): Promise<ApprovalRepresentation> {
    return this.approvals.cancel(client, id);
  }

  @Post(':id/consume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'consumeApproval', summary: 'Consume an approved approval, once (before moving the money it approves)' })
  @ApiParam({ name: 'id', description: 'The approval id (its operationId)', example: 'txn-20250521-001' })
  @ApiResponse({
    status: 200,
    description: 'The approval with consumedAt: consumed now, or earlier with the same reference',
    type: ApprovalResponseDto,
  })
  @ApiProblems([400, 404, 409], {
    404: 'Unknown approval, or another client’s',
    400: 'reference missing, empty, longer than 128 characters or not a string',
    409: 'approval_already_consumed: consumed with another reference; approval_not_approved: the approval is not approved',
  })
  consume(@CurrentClient() client: ClientConfig, @Param('id') id: string, @Body() dto: ConsumeApprovalDto): Promise<ApprovalResponse> {
    return this.approvals.consume(client, id, dto.reference);
  }
}

/** Aborts when the connection closes before the answer is written: a long-poll caller that went away. */
function abortedOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}
