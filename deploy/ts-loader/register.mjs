// Lets `node --import ./ts-loader/register.mjs bin/app.ts` run the CDK app's TypeScript
// directly (SWC strips the types), so `cdk synth` needs no build step and no network.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
