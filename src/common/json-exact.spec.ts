import fc from 'fast-check';
import { InvalidRequestError } from './app.errors';
import { numberProblem, rejectInexactJson } from './json-exact';

/** The fields the check names, [] when the body passes. */
function fieldsAtFault(text: string, encoding?: string, bytes = Buffer.from(text)): string[] {
  try {
    rejectInexactJson({} as never, {} as never, bytes, encoding);
    return [];
  } catch (err) {
    if (!(err instanceof InvalidRequestError)) throw err;
    expect(err.status).toBe(400);
    return err.errors.map((e) => e.field);
  }
}

describe(rejectInexactJson.name, () => {
  it('accepts ordinary bodies, the same name in different objects included', () => {
    expect(fieldsAtFault('{"userId":"AB","message":"hi","metadata":{"userId":"x","a":[{"k":1},{"k":2}]}}')).toEqual([]);
    expect(fieldsAtFault('{"a":{"x":1},"b":{"x":1},"c":[{"x":1,"y":"x"}]}')).toEqual([]);
    expect(fieldsAtFault('[{"a":1},{"a":1}]')).toEqual([]);
  });

  it.each([
    ['at the top', '{"userId":"AB","userId":"CD"}', 'userId'],
    ['in a nested object', '{"transaction":{"amount":"1.00","currency":"EUR","amount":"9999.00"}}', 'transaction.amount'],
    ['in an object inside an array', '{"metadata":{"list":[{"a":1},{"b":1,"b":2}]}}', 'metadata.list.1.b'],
    ['spelled with an escape', '{"amount":"1.00","\\u0061mount":"9.00"}', 'amount'],
    ['after an escaped quote in a value', '{"m":"say \\"hi\\", \\"m\\":","m":2}', 'm'],
  ])('refuses a member named twice %s, naming it', (_name, text, field) => {
    expect(fieldsAtFault(text)).toEqual([field]);
  });

  it('reads a body in UTF-16 as JSON.parse will after body-parser decoded it', () => {
    const text = '{"userId":"AB","userId":"CD"}';
    expect(fieldsAtFault(text, 'utf-16le', Buffer.from(text, 'utf16le'))).toEqual(['userId']);
  });

  it.each([
    ['1e999 in metadata (the review)', '{"metadata":{"a":1e999}}', 'metadata.a'],
    ['-1e999', '{"metadata":{"a":-1E+999}}', 'metadata.a'],
    ['a number underflowing to 0', '{"metadata":{"a":1e-400}}', 'metadata.a'],
    ['an integer past 2^53 that loses its last digit', '{"metadata":{"id":9007199254740993}}', 'metadata.id'],
    ['a decimal with more digits than a double holds', '{"metadata":{"x":[1,0.1000000000000000000001]}}', 'metadata.x.1'],
    ['a huge timeoutSeconds', '{"userId":"AB","timeoutSeconds":1e400}', 'timeoutSeconds'],
  ])('refuses %s, naming the field', (_name, text, field) => {
    expect(fieldsAtFault(text)).toEqual([field]);
  });

  it.each([
    '0',
    '-0',
    '1.0',
    '1e2',
    '0.10',
    '0.1',
    '1E-7',
    '123456789012345680000',
    '9007199254740992',
    '5e-324',
    '1.7976931348623157e308',
  ])('accepts %s, another spelling of the value it comes back as', (n) => {
    expect(fieldsAtFault(`{"metadata":{"n":${n}}}`)).toEqual([]);
  });

  it('leaves malformed text to JSON.parse rather than guessing', () => {
    for (const text of ['{"a":1.2.3}', '{"a":01}', '{"a":"unterminated', '{"a\\x":1,"a\\x":2}', '}}]]{'])
      expect(fieldsAtFault(text)).toEqual([]);
  });

  it('does not read brackets, commas or digits inside strings', () => {
    expect(fieldsAtFault('{"a":"{\\"a\\":1,\\"a\\":2}","b":"1e999, [9007199254740993]"}')).toEqual([]);
  });

  it('accepts every object JSON.stringify writes (no repeats, every number kept)', () => {
    fc.assert(
      fc.property(fc.object({ maxDepth: 4, values: [fc.double(), fc.string(), fc.integer(), fc.boolean()] }), (o) => {
        return fieldsAtFault(JSON.stringify(o)).length === 0;
      }),
    );
  });
});

describe(numberProblem.name, () => {
  it('accepts every number a double writes back, and refuses every integer past 2^53 that would come back as another', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => numberProblem(JSON.stringify(n)) === undefined));
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 60n }), (n) => {
        // Below 1e21 a double is written as plain digits, so comparing the texts compares the values.
        fc.pre(JSON.stringify(Number(n)) !== n.toString());
        return numberProblem(n.toString()) !== undefined;
      }),
    );
  });
});
