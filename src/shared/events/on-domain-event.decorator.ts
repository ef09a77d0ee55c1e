import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvent, DomainEventClass } from '../domain/domain-event';
import { IdempotentHandlers } from './idempotent-handler';

/**
 * `@OnDomainEvent(StagedUserDeactivatedEvent)` — an idempotent, transactional listener for an
 * outbox-delivered event. Errors propagate to the relay (suppressErrors: false), which retries.
 * The handler key is `Class.method`: renaming a handler makes it see old events as new.
 */
export function OnDomainEvent<E extends DomainEvent<object>>(eventClass: DomainEventClass<E>): MethodDecorator {
  return (target, propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (event: E) => Promise<unknown>;
    const handlerKey = `${target.constructor.name}.${String(propertyKey)}`;
    descriptor.value = async function (this: unknown, event: E) {
      await IdempotentHandlers.run(handlerKey, event, () => original.call(this, event));
    };
    Object.defineProperty(descriptor.value, 'name', { value: String(propertyKey) });
    OnEvent(eventClass.eventName, { async: false, promisify: true, suppressErrors: false })(
      target,
      propertyKey,
      descriptor,
    );
  };
}
