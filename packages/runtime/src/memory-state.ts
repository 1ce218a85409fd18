// The in-memory State backend: fast, and gone at restart.
import { StoreState } from './store-state.ts';
import type { StoreOptions } from './store.ts';

export type MemoryStateOptions = StoreOptions;

export class MemoryState extends StoreState {
  constructor(options: MemoryStateOptions = {}) {
    super(options, undefined);
  }
}
