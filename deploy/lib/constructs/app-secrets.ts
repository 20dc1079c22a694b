import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * Secrets whose values are made by people, not by AWS: CloudFormation creates each with a
 * random placeholder that the service refuses (not a signing key, not a PIN, not a PEM), so
 * the service fails closed until the runbook's ceremony puts the real value in.
 */
export class AppSecrets extends Construct {
  /** C2SP signed-note private key `PRIVATE+KEY+<name>+<hexid>+<base64>` (LEDGER_SIGNING_KEY). */
  readonly ledgerSigningKey: secretsmanager.Secret;
  /** CloudHSM crypto user credentials `CU_user:password` (PKCS11_PIN). */
  readonly pkcs11Pin: secretsmanager.Secret;
  /** PEM of the CA that issued the cluster's certificate (customerCA.crt); public, kept here for one source. */
  readonly hsmCustomerCa: secretsmanager.Secret;
  /** Stripe restricted API key `rk_live_...` of the operator's account (STRIPE_SECRET_KEY). */
  readonly stripeSecretKey: secretsmanager.Secret;
  /** Signing secret `whsec_...` of the Stripe webhook endpoint (STRIPE_WEBHOOK_SECRET). */
  readonly stripeWebhookSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: { key: kms.IKey; prefix: string }) {
    super(scope, id);
    const make = (name: string, description: string, reason: string) => {
      const secret = new secretsmanager.Secret(this, name, {
        description,
        encryptionKey: props.key,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason });
      return secret;
    };
    this.ledgerSigningKey = make(
      'LedgerSigningKey',
      `${props.prefix}: ledger checkpoint signing key (C2SP signed-note private key)`,
      'The signing key is rotated by a ceremony (new key name, overlap, publication of the verifier key to auditors), not by a Lambda: docs/operations.md "Rotate the ledger signing key".',
    );
    this.pkcs11Pin = make(
      'Pkcs11Pin',
      `${props.prefix}: CloudHSM crypto user for the service (CU_user:password)`,
      'The crypto user password lives in the HSM; only an HSM admin can change it with CloudHSM CLI, so rotation is the manual procedure in docs/operations.md "Rotate the CloudHSM crypto user password".',
    );
    this.hsmCustomerCa = make(
      'HsmCustomerCa',
      `${props.prefix}: CloudHSM cluster issuing CA certificate (PEM)`,
      'A public CA certificate, changed only when the cluster is re-initialised; there is nothing to rotate.',
    );
    this.stripeSecretKey = make(
      'StripeSecretKey',
      `${props.prefix}: Stripe restricted API key (rk_live_...)`,
      'Stripe keys are rolled in the Stripe dashboard, which AWS cannot do: docs/operations.md "Rotate the Stripe keys".',
    );
    this.stripeWebhookSecret = make(
      'StripeWebhookSecret',
      `${props.prefix}: Stripe webhook endpoint signing secret (whsec_...)`,
      'The webhook signing secret is rolled in the Stripe dashboard (with an overlap window), which AWS cannot do: docs/operations.md "Rotate the Stripe keys".',
    );
  }
}
