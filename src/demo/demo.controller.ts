import { Body, Controller, Get, HttpCode, HttpStatus, Optional, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DemoPhoneService, PhoneOperation } from './demo-phone.service';
import { DemoRequestGuard } from './demo-request.guard';
import { DemoPhoneUnavailableError } from './demo.errors';
import { DemoApproval, DemoService } from './demo.service';
import { renderDemoPage } from './demo.page';
import { DemoApprovalDto, DemoOperationParams, DemoUserParams } from './dto/demo-approval.dto';

/** The example frontend and its backend. Not part of the public contract, so not in the OpenAPI document. */
@ApiExcludeController()
@UseGuards(DemoRequestGuard)
@Controller('demo')
export class DemoController {
  /** No phone without the simulator's control API: see DemoModule. */
  constructor(private readonly demo: DemoService, @Optional() private readonly phone?: DemoPhoneService) {}

  @Get()
  page(@Res() res: Response): void {
    const { html, headers } = renderDemoPage({ clientId: this.demo.clientId, phone: this.phone !== undefined });
    res.set(headers).send(html);
  }

  @Post('approvals')
  @HttpCode(HttpStatus.CREATED)
  start(@Body() dto: DemoApprovalDto): Promise<DemoApproval> {
    return this.demo.start(dto);
  }

  @Get('phone/:userId/pending')
  pending(@Param() params: DemoUserParams): Promise<PhoneOperation[]> {
    return this.simulatedPhone().pending(params.userId);
  }

  @Post('phone/operations/:operationId/approve')
  @HttpCode(HttpStatus.OK)
  approve(@Param() params: DemoOperationParams): Promise<PhoneOperation> {
    return this.simulatedPhone().approve(params.operationId);
  }

  @Post('phone/operations/:operationId/reject')
  @HttpCode(HttpStatus.OK)
  reject(@Param() params: DemoOperationParams): Promise<PhoneOperation> {
    return this.simulatedPhone().reject(params.operationId);
  }

  private simulatedPhone(): DemoPhoneService {
    if (!this.phone) throw new DemoPhoneUnavailableError();
    return this.phone;
  }
}
