import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError, UnsupportedMediaTypeError } from './app.errors';

/**
 * body-parser `verify` hook (after rejectDeepJson, which bounds the nesting): refuses a JSON body
 * that does not mean exactly what it says, before JSON.parse quietly picks one reading.
 *
 * - An object that repeats a member name (contract v3): JSON.parse keeps the last value, a proxy,
 *   a WAF or the caller's own logs may read the first, so two parties see two requests. Names are
 *   compared after unescaping ("a" and "\u0061" are one name).
 * - A number that does not survive the round trip into a double and back: 1e999 becomes Infinity
 *   and is written back as null; 1e-400 becomes 0; 9007199254740993 and 0.1000000000000000000001
 *   lose digits. Each would be stored and returned as another value than the one given ("returned
 *   as given"), so each is refused, naming the field. A number counts as kept when the decimal
 *   value written back equals the decimal value given: "1.0", "1e2" and "0.10" are other spellings
 *   of 1, 100 and 0.1, which JSON does not tell apart (RFC 8259 section 6 leaves interoperable
 *   numbers to double precision, RFC 7493 section 2.2 asks senders to stay within it), and -0 is 0.
 *   Loss of precision is refused too, not only overflow: a silently changed digit of an amount-like
 *   number in metadata is the same lie as a null. A caller who needs more digits sends a string.
 *
 * It scans the decoded text once, without recursion, keeping one set of names per open object.
 */
export function rejectInexactJson(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding?: string): void {
  const text = decode(body, encoding);
  const stack: Frame[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1] as Frame | undefined;
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectName && top?.names) {
        const name = memberName(text, i, end);
        if (name !== undefined) {
          const field = join(top.path, name);
          if (top.names.has(name)) throw refused(field, `${field} is given more than once: an object names each member once`);
          top.names.add(name);
          top.name = name;
        }
      }
      expectName = false;
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      stack.push({ names: c === OPEN_OBJECT ? new Set() : undefined, path: top ? childPath(top) : '', name: '', index: 0 });
      expectName = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectName = false;
    } else if (c === COMMA) {
      if (top?.names) expectName = true;
      else if (top) top.index++;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      let end = i + 1;
      while (end < text.length && NUMBER_CHAR.test(text[end])) end++;
      const problem = numberProblem(text.slice(i, end));
      if (problem) {
        const field = (top && childPath(top)) || 'body';
        throw refused(field, `${field} ${problem}; send it as a string`);
      }
      i = end - 1;
    }
  }
}

interface Frame {
  /** Member names seen so far; undefined for an array. */
  names: Set<string> | undefined;
  path: string;
  /** The member whose value comes next (objects). */
  name: string;
  /** The element whose value comes next (arrays). */
  index: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NUMBER_CHAR = /[0-9eE.+-]/;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const DECIMAL = /^-?([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

function decode(body: Buffer, encoding = 'utf-8'): string {
  if (/^utf-?8$/i.test(encoding)) return body.toString('utf8');
  try {
    return new TextDecoder(encoding).decode(body);
  } catch {
    // body-parser lets any "utf-*" charset through; one we cannot read cannot be checked.
    throw new UnsupportedMediaTypeError(`JSON bodies must be UTF-8 (or UTF-16), not ${encoding}`);
  }
}

/** Index of the quote that closes the string opening at `start`, or the end of the text. */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j;
  }
  return text.length;
}

/** The member name as JSON.parse will read it; undefined for a malformed string (JSON.parse refuses it next). */
function memberName(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return undefined;
  }
}

function childPath(frame: Frame): string {
  return join(frame.path, frame.names ? frame.name : String(frame.index));
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Why the number `token` would not come back as given, or undefined when it would (or is no JSON number: JSON.parse refuses it). */
export function numberProblem(token: string): string | undefined {
  if (!JSON_NUMBER.test(token)) return undefined;
  const value = Number(token);
  const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
  if (!Number.isFinite(value)) return `holds a number too large to keep (${shown})`;
  const back = JSON.stringify(value);
  if (decimalOf(token) !== decimalOf(back)) return `holds a number that cannot be kept exactly (${shown} would come back as ${back})`;
  return undefined;
}

/** The decimal value of a JSON number, spelled one way: digits without leading or trailing zeros, and an exponent. */
function decimalOf(number: string): string {
  const [, integer, fraction = '', exponent = '0'] = DECIMAL.exec(number) ?? [];
  let digits = `${integer}${fraction}`.replace(/^0+/, '');
  if (!digits) return '0';
  let power = Number(exponent) - fraction.length;
  const zeros = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - zeros);
  power += zeros;
  return `${number.startsWith('-') ? '-' : ''}${digits}e${power}`;
}

function refused(field: string, message: string): InvalidRequestError {
  return new InvalidRequestError(`Invalid request: ${message}`, [{ field, message }]);
}
