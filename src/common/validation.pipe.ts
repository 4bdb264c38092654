import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, InvalidRequestError } from './app.errors';

/**
 * Member names JavaScript's object model gives a meaning (`__proto__`, `constructor`, `prototype`
 * and the names of Object.prototype's methods). Nest's pipe deletes the first three before
 * validating and class-transformer skips the others, so the whitelist never sees them: sent in a
 * DTO they were silently accepted, sent in metadata silently dropped ("returned as given" broken).
 * They are refused instead, like any unknown field.
 */
const RESERVED_MEMBERS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Strict DTO validation: unknown fields are refused, nothing is coerced (a "30" is not a number),
 * and the 400 body names every field at fault.
 */
export function validationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => invalid(flatten(errors)),
  });
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const reserved = reservedMembersOf(value);
      if (reserved.length) throw invalid(reserved.map((field) => ({ field, message: `${field} is not a known field` })));
    }
    return super.transform(value, metadata);
  }
}

function invalid(fields: FieldError[]): InvalidRequestError {
  return new InvalidRequestError(`Invalid request: ${fields.map((f) => f.message).join('; ')}`, fields);
}

/** Paths of the own members with a reserved name, at any depth (bodies are at most MAX_JSON_DEPTH deep). */
export function reservedMembersOf(value: unknown, parent = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    const field = parent ? `${parent}.${key}` : key;
    // A reserved member is named once, as an unknown field is: what it holds is not looked into.
    if (!Array.isArray(value) && RESERVED_MEMBERS.has(key)) return [field];
    return reservedMembersOf((value as Record<string, unknown>)[key], field);
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field'),
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
