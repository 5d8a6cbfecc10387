import { EventEmitter } from 'node:events';
import type { Logger } from './logger';

/**
 * A typed event emitter whose emit never throws: a failing listener is logged, and the owner that
 * emitted carries on (a transport's bug must not undo a domain step that already happened).
 */
export class TypedEvents<M extends Record<keyof M, unknown[]>> {
  private readonly emitter = new EventEmitter();

  constructor(private readonly log: Logger) {
    this.emitter.setMaxListeners(50);
  }

  on<K extends keyof M & string>(event: K, listener: (...args: M[K]) => void | Promise<void>): () => void {
    const wrapped = (...args: unknown[]) => {
      try {
        const r = listener(...(args as M[K]));
        if (r instanceof Promise) r.catch((err: unknown) => this.log.error({ err, event }, 'domain event listener failed'));
      } catch (err) {
        this.log.error({ err, event }, 'domain event listener failed');
      }
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  emit<K extends keyof M & string>(event: K, ...args: M[K]): void {
    this.emitter.emit(event, ...args);
  }

  removeAll(): void {
    this.emitter.removeAllListeners();
  }
}
