import { parseAuthorizationDetails } from './authorization-details';
import { OAuthError } from './oauth.errors';

const PAYMENT = {
  type: 'payment_initiation',
  instructedAmount: { currency: 'EUR', amount: '1250.00' },
  creditorName: 'ACME Ltd',
  creditorAccount: { iban: 'DE89370400440532013000' },
  remittanceInformationUnstructured: 'Invoice 42',
};

describe(parseAuthorizationDetails.name, () => {
  it('maps payment_initiation 1:1 onto the transaction and keeps the details as given', () => {
    const { details, transaction } = parseAuthorizationDetails(JSON.stringify([PAYMENT]));
    expect(transaction).toEqual({
      amount: '1250.00',
      currency: 'EUR',
      payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' },
      reference: 'Invoice 42',
    });
    expect(details).toEqual([PAYMENT]);
  });

  it('leaves the reference out when the remittance information is', () => {
    const { remittanceInformationUnstructured: _, ...withoutReference } = PAYMENT;
    expect(parseAuthorizationDetails(JSON.stringify([withoutReference])).transaction).not.toHaveProperty('reference');
  });

  it.each([
    ['null', 'null'],
    ['an object', JSON.stringify(PAYMENT)],
    ['an array of null', '[null]'],
    ['an array of an array', '[[]]'],
    ['a member at the top level', JSON.stringify([{ ...PAYMENT, endToEndId: 'x' }])],
    ['a member in creditorAccount', JSON.stringify([{ ...PAYMENT, creditorAccount: { iban: 'X', bic: 'Y' } }])],
    ['instructedAmount as a string', JSON.stringify([{ ...PAYMENT, instructedAmount: '1250.00 EUR' }])],
  ])('refuses %s with invalid_authorization_details', (_, raw) => {
    let thrown: unknown;
    try {
      parseAuthorizationDetails(raw);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(OAuthError);
    expect(thrown).toMatchObject({ status: 400, error: 'invalid_authorization_details' });
  });
});
