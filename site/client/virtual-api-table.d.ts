declare module "virtual:api-table" {
  const table: import("../integrations/api-table.ts").ApiTable;
  export default table;
}
