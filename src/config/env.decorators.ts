import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

// The checks that most variables of EnvSchema share, each as one decorator.

/** An optional integer variable within [min, max]: the five checks every numeric variable takes. */
export function OptionalInt(min: number, max: number): PropertyDecorator {
  // Applied in the order the five decorators stacked above a field would be (bottom first).
  const decorators = [Max(max), Min(min), IsInt(), Type(() => Number), IsOptional()];
  return (target, key) => decorators.forEach((d) => d(target, key as string));
}

/** An optional absolute http(s) URL; the message names the variable. */
export function OptionalHttpUrl(): PropertyDecorator {
  return (target, key) => {
    const message = `${String(key)} must be an http(s) URL`;
    IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message })(target, key as string);
    IsOptional()(target, key as string);
  };
}

/** An optional "true" or "false"; the message names the variable. */
export function OptionalFlag(): PropertyDecorator {
  return (target, key) => {
    IsIn(['true', 'false'], { message: `${String(key)} must be true or false` })(target, key as string);
    IsOptional()(target, key as string);
  };
}

/** An optional string, whose own rules (a list, JSON, a PEM) its section's resolver checks. */
export function OptionalString(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key as string);
    IsOptional()(target, key as string);
  };
}
