import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyGuard, CurrentClient } from '../clients/api-key.guard';
import { ClientConfig } from '../clients/client.config';
import { ApprovalResponse, ApprovalsService } from './approvals.service';
import { CreateApprovalDto } from './dto/create-approval.dto';

@ApiTags('approvals')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller({ path: 'approvals', version: '1' })
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Post()
  @ApiOperation({ summary: 'Ask a user to approve an operation on their phone' })
  @ApiResponse({ status: 201, description: 'Created: the approval, pending, with its eventsUrl' })
  @ApiResponse({ status: 200, description: 'The same request again: the existing approval' })
  async create(@CurrentClient() client: ClientConfig, @Body() dto: CreateApprovalDto, @Res({ passthrough: true }) res: Response): Promise<ApprovalResponse> {
    const { approval, created } = await this.approvals.create(client, dto);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return approval;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one approval' })
  find(@CurrentClient() client: ClientConfig, @Param('id') id: string): Promise<ApprovalResponse> {
    return this.approvals.find(client, id);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a pending approval' })
  cancel(@CurrentClient() client: ClientConfig, @Param('id') id: string): Promise<ApprovalResponse> {
    return this.approvals.cancel(client, id);
  }
}
