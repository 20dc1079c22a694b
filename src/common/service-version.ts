import { readFileSync } from 'node:fs';

/** The version in package.json, read once: it is shown in OpenAPI, health and the journal. */
export const SERVICE_VERSION: string = (() => {
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'fairdraw' && pkg.version) return pkg.version;
    } catch {
      // try the next location: src/common in tests, dist/src/common when built
    }
  }
  return '0.0.0-unknown';
})();
