import { createStores, type Stores } from '../../../src/storage/create-stores';
import { describeStoreContract } from './store-contract';

/** One memory "location" is one set of stores: opening it twice is two instances sharing it. */
describeStoreContract(
  'memory',
  async () => {
    const stores: Stores = await createStores({ kind: 'memory' });
    return { open: async () => stores };
  },
  { durable: false },
);
