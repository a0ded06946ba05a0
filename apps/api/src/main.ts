import { Logger } from '@nestjs/common';
import { ConfigError, EmbeddedDatabaseBusyError, loadConfig } from '@app/shared';
import { createApp } from './bootstrap.js';

async function main() {
  const config = loadConfig();
  const app = await createApp({ config });
  await app.listen(config.port);
  new Logger('Server').log(`OpenWork Cloud MCP listening on ${config.publicUrl} (MCP endpoint ${config.mcpResourceUrl})`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseBusyError) {
    console.error(error.message);
  } else {
    console.error('The server could not start:', error);
  }
  process.exit(1);
});
