import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo page's script and stylesheet, kept as the files they are (src/demo/assets/, linted by ESLint
 * and Prettier; the build copies them beside this module) and read once, at first use. The page inlines
 * them under its response's nonce, so it stays one self-contained document.
 */
export interface DemoAssets {
  script: string;
  styles: string;
}

let loaded: DemoAssets | undefined;

export function demoAssets(): DemoAssets {
  loaded ??= {
    script: readFileSync(join(__dirname, 'assets', 'demo-page.js'), 'utf8'),
    styles: readFileSync(join(__dirname, 'assets', 'demo-page.css'), 'utf8'),
  };
  return loaded;
}
