import { listenOrExit } from './startup-banner';

describe(listenOrExit.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('says in one line that the port is busy, naming the variable, and exits 1', async () => {
    const written: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    await listenOrExit(3000, 'PORT', () => Promise.reject(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })));
    expect(written).toEqual(['port 3000 is already in use (PORT)\n']);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('passes any other failure on', async () => {
    await expect(listenOrExit(3000, 'PORT', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('returns what listening returned', async () => {
    await expect(listenOrExit(3000, 'PORT', () => Promise.resolve('server'))).resolves.toBe('server');
  });
});
