import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

// The stale-build check `npm start` and `npm run cli` run first, on a project tree of the test's own (the
// real one is left alone: a changed fingerprint there would rebuild under the running suite).
const { fingerprint } = (await import(new URL('../../scripts/build-if-stale.mjs', import.meta.url).href)) as { fingerprint(root?: string): string };

describe('the stale-build fingerprint', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  // Every change gets a modification time of its own, whatever the file system's clock resolution.
  let clock = Date.UTC(2026, 0, 1) / 1000;
  const touch = (path: string) => utimesSync(join(root, path), ++clock, clock);

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'stale-build-'));
    write('apps/api/src/main.ts', 'export {};\n');
    write('libs/shared/src/index.ts', 'export const a = 1;\n');
    write('libs/shared/src/prisma/generated/client.ts', 'export {};\n');
    write('bench/PROFILE.md', '# profile\n');
    write('evals/expected-failures.yml', 'a: 1\n');
    write('prisma/schema.prisma', 'datasource db { provider = "postgresql" }\n');
    write('package.json', '{}\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('ignores notes and data files beside the sources, and the client the build generates', () => {
    const built = fingerprint(root);
    for (const path of ['bench/PROFILE.md', 'evals/expected-failures.yml', 'libs/shared/src/prisma/generated/client.ts']) {
      write(path, 'changed\n');
      touch(path);
      assert.equal(fingerprint(root), built, path);
    }
    write('bench/NEW.md', 'new\n');
    assert.equal(fingerprint(root), built, 'a new note');
  });

  it('changes with every compiled source, the schema and the manifest: edited, touched, added or removed', () => {
    let previous = fingerprint(root);
    const changed = (what: string) => {
      const now = fingerprint(root);
      assert.notEqual(now, previous, what);
      previous = now;
    };
    write('libs/shared/src/index.ts', 'export const a = 2;\n');
    changed('an edited source');
    touch('apps/api/src/main.ts');
    changed('a touched source');
    write('libs/shared/src/extra.mts', 'export {};\n');
    changed('a new source');
    rmSync(join(root, 'libs/shared/src/extra.mts'));
    changed('a removed source');
    touch('prisma/schema.prisma');
    changed('the schema');
    write('package.json', '{"name":"x"}\n');
    changed('the manifest');
  });
});
