declare module "virtual:api-types" {
  const data: import("./cell-check.ts").TypeData;
  export default data;
}
