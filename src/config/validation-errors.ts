import { ValidationError } from 'class-validator';

/** class-validator's nested errors as one line each, `path[child]: rule`, never with the value. */
export function flattenValidationErrors(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((e) => {
    const name = path ? `${path}[${e.property}]` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `${path}${m}` : `${name}: ${m}`));
    return [...own, ...flattenValidationErrors(e.children ?? [], name)];
  });
}
