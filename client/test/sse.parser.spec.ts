import { SseParser, type SseMessage } from '../src/index';

function parseAll(chunks: string[]): { messages: SseMessage[]; sut: SseParser } {
  const sut = new SseParser();
  const messages = chunks.flatMap((chunk) => sut.push(chunk));
  return { messages, sut };
}

describe(SseParser.name, () => {
  const stream =
    'retry: 3000\n\nid: 1\nevent: approval.pending\ndata: {"a":1}\n\n: keep-alive\n\nid: 2\nevent: approval.approved\ndata: {"a":2}\n\n';

  it('dispatches each event with its type, data and id', () => {
    const { messages, sut } = parseAll([stream]);

    expect(messages).toEqual([
      { event: 'approval.pending', data: '{"a":1}', id: '1' },
      { event: 'approval.approved', data: '{"a":2}', id: '2' },
    ]);
    expect(sut.retry).toBe(3000);
    expect(sut.lastEventId).toBe('2');
  });

  it('gives the same events whatever the chunking, down to one character at a time', () => {
    const expected = parseAll([stream]).messages;

    expect(parseAll([...stream]).messages).toEqual(expected);
    expect(parseAll([stream.slice(0, 17), stream.slice(17, 60), stream.slice(60)]).messages).toEqual(expected);
  });

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('accepts %s line endings, also split between chunks', (_name, eol) => {
    const text = `id: 7${eol}data: x${eol}${eol}data: y${eol}${eol}`;

    const whole = parseAll([text]).messages;
    const split = parseAll([...text]).messages;

    expect(whole).toEqual([
      { event: 'message', data: 'x', id: '7' },
      { event: 'message', data: 'y', id: '7' },
    ]);
    expect(split).toEqual(whole);
  });

  it('joins several data lines with newlines', () => {
    expect(parseAll(['data: one\ndata:two\ndata\n\n']).messages).toEqual([{ event: 'message', data: 'one\ntwo\n', id: '' }]);
  });

  it('does not dispatch an event the stream cut off before its blank line', () => {
    const { messages, sut } = parseAll(['id: 1\ndata: a\n\nid: 2\ndata: b\n']);

    expect(messages.map((m) => m.id)).toEqual(['1']);
    expect(sut.lastEventId).toBe('2');
  });

  it('ignores comments, unknown fields, a non-numeric retry and ids containing NUL', () => {
    const { messages, sut } = parseAll([': hi\nfoo: bar\nretry: soon\nid: 3\nid: x\0y\ndata: d\n\n']);

    expect(messages).toEqual([{ event: 'message', data: 'd', id: '3' }]);
    expect(sut.retry).toBeUndefined();
  });

  it('keeps a space that is not the first after the colon', () => {
    expect(parseAll(['data:  two spaces\n\n']).messages[0].data).toBe(' two spaces');
  });

  it('resets the event type after each dispatch and skips events without data', () => {
    expect(parseAll(['event: a\n\ndata: 1\n\n']).messages).toEqual([{ event: 'message', data: '1', id: '' }]);
  });
});
