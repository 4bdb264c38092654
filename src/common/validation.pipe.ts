import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, InvalidRequestError } from './app.errors';

/**
 * Strict DTO validation: unknown fields are refused, nothing is coerced (a "30" is not a number),
 * and the 400 body names every field at fault.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => {
      const fields = flatten(errors);
      return new InvalidRequestError(`Invalid request: ${fields.map((f) => f.message).join('; ')}`, fields);
    },
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
