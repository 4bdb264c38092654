import { IsString } from 'class-validator';
import { InvalidRequestError } from './app.errors';
import { reservedMembersOf, validationPipe } from './validation.pipe';

class Body {
  @IsString()
  name: string;
}

async function fieldsAtFault(text: string): Promise<string[]> {
  try {
    await validationPipe().transform(JSON.parse(text), { type: 'body', metatype: Body });
    return [];
  } catch (err) {
    if (!(err instanceof InvalidRequestError)) throw err;
    return err.errors.map((e) => e.field);
  }
}

describe(validationPipe.name, () => {
  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'])(
    'refuses a member named %s like any unknown field, where the whitelist never saw it',
    async (name) => {
      expect(await fieldsAtFault(`{"name":"a",${JSON.stringify(name)}:{"x":1}}`)).toEqual([name]);
    },
  );

  it('still refuses ordinary unknown fields and accepts a valid body', async () => {
    expect(await fieldsAtFault('{"name":"a","color":"red"}')).toEqual(['color']);
    expect(await fieldsAtFault('{"name":"a"}')).toEqual([]);
  });
});

describe(reservedMembersOf.name, () => {
  it('names reserved members at any depth, inside arrays too, by their path', () => {
    const value = JSON.parse('{"a":{"b":{"__proto__":1}},"list":[{"constructor":2}],"metadata":{"prototype":3,"ok":4}}') as unknown;
    expect(reservedMembersOf(value)).toEqual(['a.b.__proto__', 'list.0.constructor', 'metadata.prototype']);
  });

  it('names a reserved member once, without looking into it', () => {
    expect(reservedMembersOf(JSON.parse('{"constructor":{"prototype":{"__proto__":1}}}'))).toEqual(['constructor']);
  });

  it('finds nothing in plain data, nor in strings that hold the names', () => {
    expect(reservedMembersOf({ name: '__proto__', list: ['constructor'], n: 1, x: null })).toEqual([]);
  });
});
