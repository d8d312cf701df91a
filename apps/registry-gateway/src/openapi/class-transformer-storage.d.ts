// class-transformer ships its runtime as `cjs/storage.js` and its types under `types/`; this joins the
// two so request-schemas.ts can read `@Type(() => Nested)` metadata (which class-validator does not keep).
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
