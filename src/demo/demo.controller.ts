import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PhoneOperation } from './demo-phone.service';
import { DemoRequestGuard } from './demo-request.guard';
import { DemoApproval, DemoService } from './demo.service';
import { renderDemoPage } from './demo.page';
import { DemoApprovalDto, DemoApprovalParams, DemoOperationParams, DemoUserParams } from './dto/demo-approval.dto';

/** The example frontend and its backend. Not part of the public contract, so not in the OpenAPI document. */
@ApiExcludeController()
@UseGuards(DemoRequestGuard)
@Controller('demo')
export class DemoController {
  constructor(private readonly demo: DemoService) {}

  @Get()
  page(@Res() res: Response): void {
    const { html, headers } = renderDemoPage({ clientId: this.demo.clientId, phone: this.demo.hasPhone, ciba: this.demo.hasCiba });
    res.set(headers).send(html);
  }

  @Post('approvals')
  @HttpCode(HttpStatus.CREATED)
  start(@Body() dto: DemoApprovalDto): Promise<DemoApproval> {
    return this.demo.start(dto);
  }

  @Post('approvals/:id/cancel')
  @HttpCode(HttpStatus.OK)
  cancel(@Param() params: DemoApprovalParams): Promise<DemoApproval> {
    return this.demo.cancel(params.id);
  }

  @Post('approvals/:id/approve-in-app')
  @HttpCode(HttpStatus.OK)
  approveInApp(@Param() params: DemoApprovalParams): Promise<DemoApproval> {
    return this.demo.approveInApp(params.id);
  }

  @Get('phone/:userId/pending')
  pending(@Param() params: DemoUserParams): Promise<PhoneOperation[]> {
    return this.demo.inbox(params.userId);
  }

  @Post('phone/operations/:operationId/approve')
  @HttpCode(HttpStatus.OK)
  approve(@Param() params: DemoOperationParams): Promise<PhoneOperation> {
    return this.demo.decideOnPhone(params.operationId, 'approve');
  }

  @Post('phone/operations/:operationId/reject')
  @HttpCode(HttpStatus.OK)
  reject(@Param() params: DemoOperationParams): Promise<PhoneOperation> {
    return this.demo.decideOnPhone(params.operationId, 'reject');
  }
}
