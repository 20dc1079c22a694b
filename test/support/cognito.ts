import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ROLES, type Role } from '../../src/auth/roles.js';
import type { MotoServer } from './moto.js';

/** A Cognito user pool on moto_server: a real OIDC issuer with a JWKS the service must trust. */
export interface TestIssuer {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Signs in a new user in the given groups and returns its Cognito ID token. */
  idToken(username: string, roles: Role[]): Promise<string>;
  /** The same user's Cognito access token (no `aud`; the app client is in `client_id`). */
  accessToken(username: string, roles: Role[]): Promise<string>;
  /** An ID token of the same pool issued to another app client: the wrong audience. */
  otherClientIdToken(username: string, roles: Role[]): Promise<string>;
}

export async function createCognitoIssuer(moto: MotoServer): Promise<TestIssuer> {
  const client = new CognitoIdentityProviderClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
  });
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: `fairdraw-${Date.now()}` }));
  const poolId = pool.UserPool?.Id;
  if (!poolId) throw new Error('moto did not create a user pool');
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'fairdraw',
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  const clientId = app.UserPoolClient?.ClientId;
  if (!clientId) throw new Error('moto did not create a user pool client');
  const other = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'another-app',
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  const otherClientId = other.UserPoolClient?.ClientId;
  if (!otherClientId) throw new Error('moto did not create a second user pool client');
  for (const role of ROLES)
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: role }));

  const probe = await signIn(client, poolId, clientId, 'issuer-probe', []);
  const issuer = String(decodeClaims(probe.IdToken).iss);
  return {
    jwksUrl: `${moto.endpoint}/${poolId}/.well-known/jwks.json`,
    issuer,
    audience: clientId,
    idToken: async (username, roles) => (await signIn(client, poolId, clientId, username, roles)).IdToken,
    accessToken: async (username, roles) =>
      (await signIn(client, poolId, clientId, username, roles)).AccessToken,
    otherClientIdToken: async (username, roles) =>
      (await signIn(client, poolId, otherClientId, username, roles)).IdToken,
  };
}

async function signIn(
  client: CognitoIdentityProviderClient,
  poolId: string,
  clientId: string,
  username: string,
  roles: Role[],
): Promise<{ IdToken: string; AccessToken: string }> {
  const password = 'Correct-Horse-9-battery';
  await client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: poolId,
      Username: username,
      Password: password,
      Permanent: true,
    }),
  );
  for (const role of roles) {
    await client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: role }),
    );
  }
  const auth = await client.send(
    new AdminInitiateAuthCommand({
      UserPoolId: poolId,
      ClientId: clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  const { IdToken, AccessToken } = auth.AuthenticationResult ?? {};
  if (!IdToken || !AccessToken) throw new Error(`moto did not issue tokens for ${username}`);
  return { IdToken, AccessToken };
}

export function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
