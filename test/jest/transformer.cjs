// Jest runs everything as CommonJS: our TypeScript and the ES-module-only packages NestJS 12
// ships are compiled by SWC, so a CommonJS package such as nestjs-pino can require
// @nestjs/common inside Jest (Jest's ESM mode cannot, before Node 24.9). Decorator metadata stays
// on, so constructor injection and class-validator DTOs behave as in the tsc build.
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs', ignoreDynamic: false },
  sourceMaps: 'inline',
});

const packageTypes = new Map();

function packageTypeOf(directory) {
  if (packageTypes.has(directory)) return packageTypes.get(directory);
  const manifest = join(directory, 'package.json');
  let type;
  if (existsSync(manifest)) {
    try {
      type = JSON.parse(readFileSync(manifest, 'utf8')).type ?? 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else {
    const parent = dirname(directory);
    type = parent === directory ? 'commonjs' : packageTypeOf(parent);
  }
  packageTypes.set(directory, type);
  return type;
}

function needsTransform(filename) {
  if (filename.endsWith('.ts') || filename.endsWith('.mjs')) return true;
  if (filename.endsWith('.cjs') || filename.endsWith('.json')) return false;
  return packageTypeOf(dirname(filename)) === 'module';
}

module.exports = {
  process(source, filename, options) {
    return needsTransform(filename) ? swc.process(source, filename, options) : { code: source };
  },
  getCacheKey(source, filename, options) {
    return `${needsTransform(filename) ? 'swc' : 'raw'}:${swc.getCacheKey(source, filename, options)}`;
  },
};
