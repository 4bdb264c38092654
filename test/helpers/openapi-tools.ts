import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs `script` (ES module source) in a plain Node process with `input` on stdin and resolves with its
 * stdout: openapi-typescript and swagger-parser are ESM or load ESM dependencies that Jest's module
 * runtime does not, while Node loads them directly.
 */
function runModule(script: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: process.cwd(), maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
    child.stdin!.end(input);
  });
}

const READ_STDIN = `let input = ''; for await (const chunk of process.stdin) input += chunk; const document = JSON.parse(input);`;

/** TypeScript types generated from an OpenAPI document with openapi-typescript's Node API, as a client generator sees it. */
export function generateTypes(document: unknown): Promise<string> {
  return runModule(
    `import openapiTS, { astToString } from 'openapi-typescript'; ${READ_STDIN} process.stdout.write(astToString(await openapiTS(document)));`,
    JSON.stringify(document),
  );
}

/** client/src/openapi.generated.ts as `npm run sdk:types` writes it for this document (scripts/sdk-types.mjs). */
export function renderSdkTypes(document: unknown): Promise<string> {
  const script = pathToFileURL(resolve(__dirname, '../../scripts/sdk-types.mjs')).href;
  return runModule(
    `import { renderTypes } from '${script}'; ${READ_STDIN} process.stdout.write(await renderTypes(document));`,
    JSON.stringify(document),
  );
}
