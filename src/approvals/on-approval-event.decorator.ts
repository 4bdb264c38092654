import { Injectable, OnModuleInit, SetMetadata } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ApprovalEventName, ApprovalEventsEmitter } from './approval-events.emitter';

const ON_APPROVAL_EVENT = Symbol('on-approval-event');

/**
 * Marks a method as a listener of an approval event (immich's `@OnEvent` model): `grep OnApprovalEvent`
 * finds every listener, and none registers itself by hand. The method receives the event's payload
 * (`ApprovalEventMap`) and must be idempotent, since an announcement may be repeated after a crash.
 */
export const OnApprovalEvent = (name: ApprovalEventName): MethodDecorator => SetMetadata(ON_APPROVAL_EVENT, name);

/** Subscribes every `@OnApprovalEvent` method of the application's providers to the emitter, once, at module init. */
@Injectable()
export class ApprovalEventListeners implements OnModuleInit {
  constructor(
    private readonly emitter: ApprovalEventsEmitter,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!wrapper.isDependencyTreeStatic() || !instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = (instance as Record<string, unknown>)[method] as (payload: never) => Promise<void> | void;
        const name = this.reflector.get<ApprovalEventName | undefined>(ON_APPROVAL_EVENT, handler);
        if (name) this.emitter.on(name, (payload) => handler.call(instance, payload as never));
      }
    }
  }
}
