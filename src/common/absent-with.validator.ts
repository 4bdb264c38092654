import { ValidationArguments, ValidationOptions, registerDecorator } from 'class-validator';

/** The field may not be given together with `other` (any value of `other` but undefined counts as given). */
export function AbsentWith(other: string, why: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'absentWith',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: `$property must not be given with ${other}: ${why}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || (args.object as Record<string, unknown>)[other] === undefined,
      },
    });
}
