import { describeStoreConformance } from './conformance.ts';
import { backends } from './_test/backends.ts';

for (const backend of backends) {
  describeStoreConformance(`${backend.name} store conformance`, () => backend.open(), {
    skip: backend.skip,
  });
}
