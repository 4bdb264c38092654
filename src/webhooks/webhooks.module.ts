import { Module } from '@nestjs/common';
import { DeliveryProducer } from './delivery.producer';

@Module({ providers: [DeliveryProducer], exports: [DeliveryProducer] })
export class WebhooksModule {}
