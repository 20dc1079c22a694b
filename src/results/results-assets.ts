// The files of the public results page (the `public` folder beside this file: the HTML page, its
// stylesheet and its ES modules, including the browser verifier). They are read once at start and
// served from memory; the build copies the folder next to the compiled code (scripts/build.mjs).

import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PageAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export const PUBLIC_DIRECTORY = fileURLToPath(new URL('./public/', import.meta.url));

/** Every servable file under the folder, by its path relative to it ('verifier/index.js'). */
export function loadPageAssets(directory = PUBLIC_DIRECTORY): Map<string, PageAsset> {
  const assets = new Map<string, PageAsset>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      // Type declarations are for the TypeScript specs, not for browsers.
      else if (CONTENT_TYPES[extname(entry.name)] && !entry.name.endsWith('.d.ts')) {
        const body = readFileSync(path);
        assets.set(relative(directory, path).split('\\').join('/'), {
          body,
          contentType: CONTENT_TYPES[extname(entry.name)],
        });
      }
    }
  };
  walk(directory);
  if (!assets.has('index.html')) throw new Error(`the results page is missing from ${directory}`);
  return assets;
}
