import { MAX_JSON_DEPTH, rejectDeepJson } from './json-depth';

const check = (text: string) => () => rejectDeepJson({} as never, {} as never, Buffer.from(text));

describe(rejectDeepJson.name, () => {
  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels`, () => {
    expect(check('{"a":'.repeat(MAX_JSON_DEPTH - 1) + '[1]' + '}'.repeat(MAX_JSON_DEPTH - 1))).not.toThrow();
  });

  it('refuses deeper nesting with an exposed 400', () => {
    expect(check('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toThrow(
      expect.objectContaining({ status: 400, expose: true }),
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ message: '['.repeat(1000) + '\\"{'.repeat(1000) });
    expect(check(text)).not.toThrow();
  });
});
