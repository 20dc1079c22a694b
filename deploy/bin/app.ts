import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import {
  ConfigError,
  configFromContext,
  foundationConfigFromContext,
  serviceConfigured,
} from '../lib/config.js';
import { contextLookup } from '../lib/config-file.js';
import { addFairdrawStacks } from '../lib/fairdraw-app.js';
import { addNagChecks } from '../lib/nag.js';

const deployDir = fileURLToPath(new URL('..', import.meta.url));
const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT };

try {
  const lookup = contextLookup((key) => app.node.tryGetContext(key), deployDir);
  const config = serviceConfigured(lookup)
    ? configFromContext(lookup, env)
    : foundationConfigFromContext(lookup, env);
  if (config.example) {
    if (config.account !== undefined) {
      // Credentials are present, so this synthesis may be deployed: refuse the placeholders.
      throw new ConfigError(
        'example',
        'the configuration holds example values; pass your own file with -c config=config/<yours>.json (docs/operations.md, "Deploy")',
      );
    }
    console.error('Note: synthesising the example configuration (no AWS account in use).');
  }
  if (!('hsmClusterId' in config)) {
    console.error(
      'Note: no hsmClusterId yet, so only the foundation stack (docs/operations.md, "First deployment").',
    );
  }
  addFairdrawStacks(app, config);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
addNagChecks(app);
app.synth();
