// One-off step of the first deployment, run in the migration task after the migrations
// (docs/operations.md, "First deployment"): gives the runtime role named in the runtime
// secret a login with that secret's password, so the service can connect as it and Secrets
// Manager's alternating-users rotation (which first signs in with the current credentials)
// can take over from there.
//
// Connects as the owner (DATABASE_HOST/PORT/NAME/USER/PASSWORD, TLS per PGSSLMODE); reads
// RUNTIME_DATABASE_USER and RUNTIME_DATABASE_PASSWORD. Idempotent. Changes nothing but that
// role's LOGIN attribute and password; the migrations own its privileges.
import pg from 'pg';

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(
      JSON.stringify({ level: 'fatal', event: 'db_runtime_login_failed', msg: `${name} is not set` }),
    );
    process.exit(78);
  }
  return value;
};

const runtimeUser = required('RUNTIME_DATABASE_USER');
const runtimePassword = required('RUNTIME_DATABASE_PASSWORD');
const client = new pg.Client({
  host: required('DATABASE_HOST'),
  port: Number(process.env.DATABASE_PORT ?? 5432),
  database: required('DATABASE_NAME'),
  user: required('DATABASE_USER'),
  password: required('DATABASE_PASSWORD'),
});

try {
  await client.connect();
  const { rows } = await client.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [runtimeUser]);
  if (rows.length === 0) {
    throw new Error(`role ${runtimeUser} does not exist: run the migrations first`);
  }
  // ALTER ROLE takes no bind parameters; the password is quoted as a literal. The server
  // stores it as a SCRAM verifier (password_encryption = scram-sha-256).
  await client.query(
    `ALTER ROLE ${client.escapeIdentifier(runtimeUser)} WITH LOGIN PASSWORD ${client.escapeLiteral(runtimePassword)}`,
  );
  console.log(
    JSON.stringify({
      level: 'info',
      event: 'db_runtime_login_set',
      role: runtimeUser,
      hadLogin: rows[0].rolcanlogin,
    }),
  );
} catch (error) {
  console.error(
    JSON.stringify({
      level: 'fatal',
      event: 'db_runtime_login_failed',
      msg: error instanceof Error ? error.message : String(error),
    }),
  );
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
