import type { Consumer, ConsumerConfig, Producer } from 'kafkajs';
import type { ServiceInstance } from '../../sdk';

/**
 * What a Kafka cluster service gives processors: the cluster's shared producer and consumers of
 * their own. Everything it hands out is disconnected when the service closes.
 */
export interface KafkaCluster extends ServiceInstance {
  readonly kind: 'kafka';
  /** For messages: the service's name and brokers, never its credentials. */
  readonly description: string;
  /**
   * The producer all this cluster's processors share (one plain, one idempotent), connected on first
   * use. Do not disconnect it. Idempotent: the brokers drop a request the producer retried after a
   * lost answer (Kafka's idempotent producer: acks all, one request in flight per broker).
   */
  producer(options?: { idempotent?: boolean }): Promise<Producer>;
  /** A new, connected consumer for one processor; hand it back with `release`. */
  consumer(config: ConsumerConfig): Promise<Consumer>;
  /** Disconnect a consumer from `consumer()` (leaving its group). */
  release(consumer: Consumer): Promise<void>;
}

declare module '../use-service' {
  interface ServiceKinds {
    kafka: KafkaCluster;
  }
}
