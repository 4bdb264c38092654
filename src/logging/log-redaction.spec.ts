import { CENSOR, redactUrl } from './log-redaction';

describe(redactUrl.name, () => {
  it.each([
    ['/v1/approvals/a/events?token=abc.def', `/v1/approvals/a/events?token=${CENSOR}`],
    ['/v1/approvals/a/events?%74oken=abc.def', `/v1/approvals/a/events?%74oken=${CENSOR}`],
    ['/v1/approvals/a/events?%54OKEN=abc', `/v1/approvals/a/events?%54OKEN=${CENSOR}`],
    ['/v1/approvals/a/events?lastEventId=2&token=abc&x=1', `/v1/approvals/a/events?lastEventId=2&token=${CENSOR}&x=1`],
    ['/x?token[]=abc', `/x?token[]=${CENSOR}`],
    ['/x?+token=abc', `/x?+token=${CENSOR}`],
    ['/x?api%5Fkey=abc&secret=s#frag', `/x?api%5Fkey=${CENSOR}&secret=${CENSOR}#frag`],
    ['/x?tokens=keep&q=%zz', '/x?tokens=keep&q=%zz'],
    ['/health/live', '/health/live'],
    ['/oauth/token?client_secret=s&auth_req_id=r', `/oauth/token?client_secret=${CENSOR}&auth_req_id=${CENSOR}`],
    [
      '/oauth/bc-authorize?client_assertion=a.b.c&id_token_hint=x',
      `/oauth/bc-authorize?client_assertion=${CENSOR}&id_token_hint=${CENSOR}`,
    ],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
