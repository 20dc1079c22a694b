// Clean build of the service into dist/, then a stamp that ensure-built.mjs compares against.
// Static assets (folders named `public` under src/) are copied beside the compiled code.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

rmSync('dist', { recursive: true, force: true });
execFileSync('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

function copyPublicFolders(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (entry.name === 'public') cpSync(path, join('dist', path), { recursive: true });
    else copyPublicFolders(path);
  }
}
if (existsSync('src')) copyPublicFolders('src');
writeFileSync('dist/.build-stamp', new Date().toISOString() + '\n');
