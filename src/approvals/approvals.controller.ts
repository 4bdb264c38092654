import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, CurrentClient } from '../clients/api-key.guard';
import { ClientConfig } from '../clients/client.config';
import { ApiProblems } from '../docs/api-problems.decorator';
import { ApprovalResponse } from './approval';
import { ApprovalsService } from './approvals.service';
import { ApprovalResponseDto } from './dto/approval-response.dto';
import { ConsumeApprovalDto } from './dto/consume-approval.dto';
import { CreateApprovalDto } from './dto/create-approval.dto';

@ApiTags('approvals')
@ApiBearerAuth()
@ApiProblems([401, 429, 500])
@UseGuards(ApiKeyGuard)
@Controller({ path: 'approvals', version: '1' })
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Post()
  @ApiOperation({ summary: 'Ask a user to approve an operation on their phone' })
  @ApiResponse({ status: 201, description: 'Created: the approval, pending, with its eventsUrl', type: ApprovalResponseDto })
  @ApiResponse({ status: 200, description: 'The same request again: the existing approval', type: ApprovalResponseDto })
  @ApiProblems([400, 404, 409, 413, 415, 502, 503], {
    404: 'Recognize has no such user',
    409: 'Same operationId with other fields, or already used upstream',
  })
  async create(@CurrentClient() client: ClientConfig, @Body() dto: CreateApprovalDto, @Res({ passthrough: true }) res: Response): Promise<ApprovalResponse> {
    const { approval, created } = await this.approvals.create(client, dto);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return approval;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one approval' })
  @ApiParam({ name: 'id', description: 'The approval id (its operationId)', example: 'txn-20250521-001' })
  @ApiResponse({ status: 200, description: 'The approval', type: ApprovalResponseDto })
  @ApiProblems([404], { 404: 'Unknown approval, or another client’s' })
  find(@CurrentClient() client: ClientConfig, @Param('id') id: string): Promise<ApprovalResponse> {
    return this.approvals.find(client, id);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a pending approval' })
  @ApiParam({ name: 'id', description: 'The approval id (its operationId)', example: 'txn-20250521-001' })
  @ApiResponse({ status: 200, description: 'The approval, now cancelled', type: ApprovalResponseDto })
  @ApiProblems([404, 409], { 404: 'Unknown approval, or another client’s', 409: 'The approval is already terminal' })
  cancel(@CurrentClient() client: ClientConfig, @Param('id') id: string): Promise<ApprovalResponse> {
    return this.approvals.cancel(client, id);
  }

  @Post(':id/consume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Consume an approved approval, once (before moving the money it approves)' })
  @ApiParam({ name: 'id', description: 'The approval id (its operationId)', example: 'txn-20250521-001' })
  @ApiResponse({ status: 200, description: 'The approval with consumedAt: consumed now, or earlier with the same reference', type: ApprovalResponseDto })
  @ApiProblems([400, 404, 409], {
    404: 'Unknown approval, or another client’s',
    409: 'approval_already_consumed: consumed with another reference; approval_not_approved: the approval is not approved',
  })
  consume(@CurrentClient() client: ClientConfig, @Param('id') id: string, @Body() dto: ConsumeApprovalDto): Promise<ApprovalResponse> {
    return this.approvals.consume(client, id, dto.reference);
  }
}
