import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/domain.exception.js';
import { SERVICE_VERSION } from '../common/service-version.js';
import { AppConfig, checkPaymentEnvironment } from '../config/environment.js';
import { parseProviderList, type PaymentProvider, type PaymentProviderName } from './payment-provider.js';
import { CashProvider } from './providers/cash.provider.js';
import { StripeProvider } from './providers/stripe.provider.js';
import { TestProvider } from './providers/test.provider.js';

/** The providers PAYMENT_PROVIDERS enables, checked at start-up. */
@Injectable()
export class PaymentProviders {
  private readonly providers = new Map<PaymentProviderName, PaymentProvider>();
  readonly stripe?: StripeProvider;

  constructor(config: AppConfig) {
    checkPaymentEnvironment(config);
    for (const name of parseProviderList(config.PAYMENT_PROVIDERS)) {
      if (name === 'stripe') {
        this.stripe = new StripeProvider({
          secretKey: config.STRIPE_SECRET_KEY!,
          webhookSecret: config.STRIPE_WEBHOOK_SECRET!,
          apiUrl: config.STRIPE_API_URL,
          appVersion: SERVICE_VERSION,
        });
        this.providers.set(name, this.stripe);
      }
      if (name === 'cash') this.providers.set(name, new CashProvider());
      if (name === 'test') this.providers.set(name, new TestProvider());
    }
  }

  names(): PaymentProviderName[] {
    return [...this.providers.keys()];
  }

  /** The provider by name, when enabled. */
  find(name: string): PaymentProvider | undefined {
    return this.providers.get(name as PaymentProviderName);
  }

  get(name: string): PaymentProvider {
    const provider = this.find(name);
    if (!provider) throw new Error(`payment provider ${name} is not enabled`);
    return provider;
  }

  /** The provider for a sale on `channel`, or a 400 naming the field. */
  forSale(name: string, channel: string): PaymentProvider {
    const provider = this.find(name);
    if (!provider) {
      throw new DomainException(
        400,
        'PAYMENT_METHOD_UNAVAILABLE',
        `payment method ${name} is not enabled here; enabled: ${this.names().join(', ')}`,
        [{ field: 'paymentMethod', messages: [`paymentMethod must be one of ${this.names().join(', ')}`] }],
      );
    }
    if (!provider.channels.includes(channel)) {
      throw new DomainException(
        400,
        'PAYMENT_METHOD_UNAVAILABLE',
        `payment method ${name} cannot be used on channel ${channel}`,
        [{ field: 'paymentMethod', messages: [`${name} is accepted on ${provider.channels.join(', ')}`] }],
      );
    }
    return provider;
  }
}
