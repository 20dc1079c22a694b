import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPageAssets, PUBLIC_DIRECTORY } from './results-assets.js';

describe('the results page assets', () => {
  it('serves the page, its stylesheet and every verifier module, with their content types, and no type declarations', () => {
    const assets = loadPageAssets(PUBLIC_DIRECTORY);
    expect([...assets.keys()].sort()).toEqual([
      'index.html',
      'results-page.js',
      'results.css',
      'verifier/bytes.js',
      'verifier/draw-proof.js',
      'verifier/index.js',
      'verifier/journal.js',
      'verifier/merkle.js',
      'verifier/proof-fields.js',
      'verifier/published-draw.js',
      'verifier/rng-replay.js',
      'verifier/rng-request.js',
    ]);
    expect(assets.get('index.html')?.contentType).toBe('text/html; charset=utf-8');
    expect(assets.get('results.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('verifier/index.js')?.contentType).toBe('text/javascript; charset=utf-8');
  });

  it('refuses to start without the page', () => {
    const empty = mkdtempSync(join(tmpdir(), 'fairdraw-results-'));
    try {
      mkdirSync(join(empty, 'verifier'));
      writeFileSync(join(empty, 'verifier', 'index.js'), '');
      expect(() => loadPageAssets(empty)).toThrow(/results page is missing/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('serves only the files the page itself imports or links, so nothing else leaks', () => {
    const assets = loadPageAssets(PUBLIC_DIRECTORY);
    const text = (path: string) => assets.get(path)!.body.toString('utf8');
    const referenced = new Set(['index.html']);
    for (const match of text('index.html').matchAll(/(?:src|href)="\/results\/([^"]+)"/g))
      referenced.add(match[1]);
    const imports = (path: string) =>
      [...text(path).matchAll(/^(?:import|export)\s[^;]*?from '(\.[^']+)'/gms)].map((m) =>
        join(path, '..', m[1]).replace(/^\.\//, ''),
      );
    for (let size = 0; size !== referenced.size;) {
      size = referenced.size;
      for (const path of [...referenced])
        if (path.endsWith('.js')) for (const p of imports(path)) referenced.add(p);
    }
    expect([...referenced].sort()).toEqual([...assets.keys()].sort());
  });
});
