// Resolves `@app/<context>` to the compiled library entry, so dist runs without path rewriting.
import { registerHooks } from 'node:module';

const libs = new URL('../dist/libs/', import.meta.url);
const contextImport = /^@app\/([a-z0-9-]+)$/;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const match = contextImport.exec(specifier);
    if (match) return nextResolve(new URL(`${match[1]}/src/index.js`, libs).href, context);
    return nextResolve(specifier, context);
  },
});
