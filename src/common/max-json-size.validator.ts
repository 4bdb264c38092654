import { ValidationOptions, registerDecorator } from 'class-validator';

/** The value, serialized as JSON, is at most `maxBytes` bytes of UTF-8. */
export function MaxJsonSize(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'maxJsonSize',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be at most ${maxBytes} bytes as JSON`, ...options },
      validator: {
        validate: (value: unknown) => value === undefined || Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= maxBytes,
      },
    });
}
