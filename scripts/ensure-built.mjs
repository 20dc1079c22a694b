// Builds dist/ when it is missing or older than any source file, so `npm start` works right
// after `npm ci` and never runs stale code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const stamp = 'dist/.build-stamp';

// A fresh checkout: install the locked dependencies first.
if (!existsSync('node_modules/.package-lock.json')) {
  console.error('Installing dependencies (package-lock.json)...');
  execFileSync('bash', ['scripts/install-deps.sh'], { stdio: 'inherit' });
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|html|css|js|svg)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const inputs = Math.max(
  newestSource('src'),
  statSync('package-lock.json').mtimeMs,
  statSync('tsconfig.json').mtimeMs,
);
if (!existsSync(stamp) || statSync(stamp).mtimeMs < inputs) {
  console.error('Building Fairdraw (tsc)...');
  execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
}
