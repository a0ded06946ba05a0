import { startTestApp } from '../test/support/test-app.js';
import { formatSizes, measureToolLists, MODEL_VISIBLE_TOKEN_LIMIT, WIRE_TOKEN_LIMIT } from './tool-list-size.js';

// tools/list sizes in o200k tokens (gpt-tokenizer), against a fresh app on the embedded database
// (or DATABASE_URL when set).
const app = await startTestApp();
try {
  console.log(formatSizes(await measureToolLists(app)));
  console.log(`\nlimits for the owner's full list: ${WIRE_TOKEN_LIMIT} wire tokens, ${MODEL_VISIBLE_TOKEN_LIMIT} model-visible tokens`);
} finally {
  await app.close();
}
