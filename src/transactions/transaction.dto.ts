import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsObject,
  IsString,
  Length,
  MaxLength,
  ValidateNested,
  ValidationArguments,
  ValidationOptions,
  registerDecorator,
} from 'class-validator';
import { amountProblem } from './amount';
import { isIso4217Code } from './iso4217';
import { OptionalField } from '../common/optional.validator';
import { IsVisibleText } from '../common/visible-text.validator';

/** The amount is a valid decimal for the currency of the same object (see amount.ts). */
function IsAmountForCurrency(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAmountForCurrency',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          amountProblem(value, (args.object as { currency?: unknown }).currency) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          `${args.property} ${amountProblem(args.value, (args.object as { currency?: unknown }).currency) ?? 'is invalid'}`,
      },
    });
}

function IsIso4217Currency(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIso4217Currency',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an upper-case ISO 4217 alphabetic code such as EUR', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && /^[A-Z]{3}$/.test(value) && isIso4217Code(value) },
    });
}

export class PayeeDto {
  @ApiProperty({
    description:
      'Name of the payee, shown to the user as given: Unicode NFC, without control, format, separator, private-use or unassigned characters',
    minLength: 1,
    maxLength: 140,
    example: 'ACME Ltd',
  })
  @IsString()
  @Length(1, 140)
  @IsVisibleText()
  name: string;

  @ApiProperty({
    description: "Payee's account (IBAN or any account identifier), shown to the user as given; the same character rules as name",
    minLength: 1,
    maxLength: 64,
    example: 'DE89370400440532013000',
  })
  @IsString()
  @Length(1, 64)
  @IsVisibleText()
  account: string;
}

/** The payment an approval is for (contract v2, "Transaction binding"). */
export class TransactionDto {
  @ApiProperty({
    description:
      "Decimal string > 0, no exponent, at most 15 integer digits and the currency's decimal places (EUR/USD/GBP/CHF 2, JPY 0, KWD/BHD 3, others 2)",
    example: '1250.00',
  })
  @IsAmountForCurrency()
  amount: string;

  @ApiProperty({ description: 'ISO 4217 alphabetic code, upper case', example: 'EUR', pattern: '^[A-Z]{3}$' })
  @IsIso4217Currency()
  currency: string;

  @ApiProperty({ type: PayeeDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PayeeDto)
  payee: PayeeDto;

  @ApiPropertyOptional({
    description: "The payer's reference for the payment, shown to the user as given; the same character rules as payee.name",
    maxLength: 140,
    example: 'Invoice 42',
  })
  @OptionalField()
  @IsString()
  @MaxLength(140)
  @IsVisibleText()
  reference?: string;
}
