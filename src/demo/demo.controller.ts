import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DemoPhoneService, PhoneOperation } from './demo-phone.service';
import { DemoApproval, DemoService } from './demo.service';
import { renderDemoPage } from './demo.page';
import { DemoApprovalDto, DemoOperationParams, DemoUserParams } from './dto/demo-approval.dto';

/** The example frontend and its backend. Not part of the public contract, so not in the OpenAPI document. */
@ApiExcludeController()
@Controller('demo')
export class DemoController {
  constructor(private readonly demo: DemoService, private readonly phone: DemoPhoneService) {}

  @Get()
  page(@Res() res: Response): void {
    const { html, headers } = renderDemoPage({ clientId: this.demo.clientId, phone: this.phone.available });
    res.set(headers).send(html);
  }

  @Post('approvals')
  @HttpCode(HttpStatus.CREATED)
  start(@Body() dto: DemoApprovalDto): Promise<DemoApproval> {
    return this.demo.start(dto);
  }

  @Get('phone/:userId/pending')
  pending(@Param() params: DemoUserParams): Promise<PhoneOperation[]> {
    return this.phone.pending(params.userId);
  }

  @Post('phone/operations/:operationId/approve')
  @HttpCode(HttpStatus.OK)
  approve(@Param() params: DemoOperationParams): PhoneOperation {
    return this.phone.approve(params.operationId);
  }

  @Post('phone/operations/:operationId/reject')
  @HttpCode(HttpStatus.OK)
  reject(@Param() params: DemoOperationParams): PhoneOperation {
    return this.phone.reject(params.operationId);
  }
}
