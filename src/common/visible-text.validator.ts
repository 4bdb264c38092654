import { ValidationArguments, ValidationOptions, registerDecorator } from 'class-validator';

/**
 * Characters a phone may not be shown (contract v3, "What the user sees is what is bound"): controls
 * (line breaks, tabs, ESC), format characters (bidi overrides and isolates, zero-width characters,
 * soft hyphen), line and paragraph separators, private use, lone surrogates and unassigned code
 * points. Each can make the screen say something other than the text that is bound: a line break
 * in a payee's name draws a fake account line, U+202E shows an account backwards.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u;

/**
 * Why `text` may not be shown to the user as it is, or undefined when it may. The text is refused,
 * never stripped or normalized: what is stored, shown and bound must be exactly what was given.
 */
export function visibleTextProblem(text: string): string | undefined {
  const found = INVISIBLE.exec(text);
  if (found) {
    const code = found[0].codePointAt(0) ?? 0;
    return `holds U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${found.index}: text a phone shows may not hold control, format, separator, private-use, surrogate or unassigned characters`;
  }
  if (text.normalize('NFC') !== text) return 'is not in Unicode normalization form C (NFC)';
  return undefined;
}

/** The string may be shown on the user's phone as given (see visibleTextProblem). Non-strings are left to IsString. */
export function IsVisibleText(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isVisibleText',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || visibleTextProblem(value) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} ${typeof args.value === 'string' ? (visibleTextProblem(args.value) ?? 'is invalid') : 'is invalid'}`,
      },
    });
}
