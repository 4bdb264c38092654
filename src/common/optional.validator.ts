import { ValidateIf } from 'class-validator';

/**
 * An optional field of a JSON body: absent is fine, but a present value is validated, null included.
 * class-validator's IsOptional also skips null, which let `"callbackUrl": null` reach the service.
 */
export function OptionalField(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
