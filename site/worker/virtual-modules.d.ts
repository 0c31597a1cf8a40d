/** `asset-sizes.ts`: the databases' file sizes in bytes, known at build time. */
declare module "virtual:kernel-asset-sizes" {
  const sizes: { pgliteWasm: number; pgliteData: number; sqljsWasm: number; pgdata: number };
  export default sizes;
}
