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
import { isCurrencyCode } from './iso4217';
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
      options: {
        message: '$property must be the upper-case ISO 4217 code of a currency, such as EUR (not XXX, XTS, a metal or a funds code)',
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value === 'string' && /^[A-Z]{3}$/.test(value) && isCurrencyCode(value) },
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
      'Decimal string > 0, no exponent, at most 15 integer digits and exactly the currency\'s decimal places (EUR/USD/GBP/CHF 2, JPY 0, KWD/BHD 3, others 2): "10.00" EUR, "1000" JPY, "1.500" KWD',
    example: '1250.00',
  })
  @IsAmountForCurrency()
  amount: string;

  @ApiProperty({
    description:
      'ISO 4217 alphabetic code of a currency, upper case; codes that name no currency (XXX, XTS, metals, units of account, funds codes) are refused',
    example: 'EUR',
    pattern: '^[A-Z]{3}$',
  })
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
