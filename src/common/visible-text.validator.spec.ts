import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { IsVisibleText, visibleTextProblem } from './visible-text.validator';

class Shown {
  @IsVisibleText()
  text: unknown;
}

const messagesFor = (text: unknown) => validateSync(plainToInstance(Shown, { text })).flatMap((e) => Object.values(e.constraints ?? {}));

/** The review's payee name: a fake account line, then twenty blank lines that push the real one off the screen. */
const FORGED_PAYEE = 'Mom\naccount DE02120300000000202051\n' + '\n'.repeat(20);

describe(visibleTextProblem.name, () => {
  it.each([
    ['a plain name', 'ACME Ltd'],
    ['letters with diacritics in NFC', 'Zoë & Søn "Ltd" Müller'],
    ['spaces, also no-break and ideographic ones', 'GB33 BUKB\u00a02020\u30001555'],
    ['other scripts', 'Сбербанк 株式会社 شركة'],
    ['an emoji outside the BMP', 'Coffee ☕ 🍰'],
    ['the empty string', ''],
  ])('accepts %s', (_name, text) => {
    expect(visibleTextProblem(text)).toBeUndefined();
  });

  it.each([
    ['a line feed (the forged payee of the review)', FORGED_PAYEE, 'U+000A at position 3'],
    ['a carriage return', 'ACME\rLtd', 'U+000D'],
    ['a tab', 'ACME\tLtd', 'U+0009'],
    ['ESC', 'ACME\u001b[2J', 'U+001B'],
    ['NUL', 'ACME\u0000', 'U+0000'],
    ['DEL', 'ACME\u007f', 'U+007F'],
    ['a C1 control (NEL)', 'ACME\u0085Ltd', 'U+0085'],
    ['a right-to-left override', 'DE89\u202e0003', 'U+202E'],
    ['a bidi isolate', 'ACME\u2066Ltd\u2069', 'U+2066'],
    ['a left-to-right mark', 'ACME\u200eLtd', 'U+200E'],
    ['a zero-width space', 'AC\u200bME', 'U+200B'],
    ['a zero-width joiner', 'AC\u200dME', 'U+200D'],
    ['a byte order mark', '\ufeffACME', 'U+FEFF'],
    ['a soft hyphen', 'AC\u00adME', 'U+00AD'],
    ['a tag character', 'ACME\u{e0041}', 'U+E0041'],
    ['the line separator', 'ACME\u2028Ltd', 'U+2028'],
    ['the paragraph separator', 'ACME\u2029Ltd', 'U+2029'],
    ['a private-use character', 'ACME\ue000', 'U+E000'],
    ['a lone high surrogate', 'ACME\ud800', 'U+D800'],
    ['a lone low surrogate', '\udc00ACME', 'U+DC00'],
    ['an unassigned code point', 'ACME\u0378', 'U+0378'],
    ['a noncharacter', 'ACME\uffff', 'U+FFFF'],
  ])('refuses %s, naming the character', (_name, text, said) => {
    expect(visibleTextProblem(text)).toContain(said);
  });

  it.each([
    ['a decomposed e with acute (NFD)', 'Cafe\u0301'],
    ['a compatibility-decomposed Hangul syllable', '\u1100\u1161'],
    ['the angstrom sign, which NFC maps to Å', '\u212b'],
  ])('refuses text not in NFC: %s', (_name, text) => {
    expect(visibleTextProblem(text)).toContain('NFC');
  });

  it('refuses any text holding a character of a refused category, wherever it stands', () => {
    const refused = fc
      .integer({ min: 0, max: 0x10ffff })
      .map((cp) => String.fromCodePoint(cp))
      .filter((c) => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u.test(c));
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), refused, fc.string({ maxLength: 20 }), (before, c, after) => {
        return visibleTextProblem(before + c + after) !== undefined;
      }),
    );
  });
});

describe(IsVisibleText.name, () => {
  it('reports the property with the problem', () => {
    expect(messagesFor('AC\u202eME')).toEqual([expect.stringMatching(/^text holds U\+202E at position 2/)]);
    expect(messagesFor('ACME')).toEqual([]);
  });

  it('leaves non-strings to the type rule of the field', () => {
    expect(messagesFor(42)).toEqual([]);
  });
});
