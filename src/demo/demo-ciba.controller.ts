import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DemoCibaService, DemoTokenAnswer } from './demo-ciba.service';
import { DemoRequestGuard } from './demo-request.guard';
import { DemoCibaStartDto, DemoCibaTokenDto } from './dto/demo-ciba.dto';

/** The demo page's "Sign in with CIBA" backend; mounted only when OIDC_ISSUER is set. Not part of the public contract. */
@ApiExcludeController()
@UseGuards(DemoRequestGuard)
@Controller('demo/ciba')
export class DemoCibaController {
  constructor(private readonly ciba: DemoCibaService) {}

  @Get('discovery')
  discovery(): Record<string, unknown> {
    return this.ciba.discovery();
  }

  @Post('start')
  @HttpCode(HttpStatus.OK)
  start(@Body() dto: DemoCibaStartDto): Promise<unknown> {
    return this.ciba.start(dto.userId, dto.bindingMessage);
  }

  @Post('token')
  @HttpCode(HttpStatus.OK)
  token(@Body() dto: DemoCibaTokenDto): Promise<DemoTokenAnswer> {
    return this.ciba.token(dto.authReqId);
  }
}
