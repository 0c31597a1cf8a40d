/**
 * `sqlalchemy.dialects.postgresql.pg_catalog`: the system catalogs PGDialect reflects from, as the
 * statements SQLAlchemy 2.0.52 builds over its pg_catalog Table objects render them for PostgreSQL
 * 12 and later (base.py's `_columns_query`, `_domain_query`, `_enum_query`, `_table_oids_query`,
 * `_constraint_query`, `_foreing_key_query`, `_index_query`, `_comment_query`,
 * `_check_constraint_query`, `_get_relnames_for_relkinds`). The port's Core has no `any_()`,
 * `array()` or `aggregate_order_by()`, so each is kept as its rendering, with its bound parameters
 * named and typed as SQLAlchemy's, and run as a text() statement: the log shows what runs.
 *
 * A `..._in_schema` form is the statement for an explicit schema (`nspname = :nspname_1`); without
 * one the table must be visible on the search path. `:filter_names` and `:oids` are expanding.
 */
import { bindparam } from "../../sql/elements.ts";
import {
  CHAR,
  Integer,
  Boolean as SABoolean,
  String as SAString,
  SMALLINT,
  type TypeEngine,
} from "../../sql/sqltypes.ts";
import { type TextClause, text } from "../../sql/text.ts";

export const RELKINDS_TABLE_NO_FOREIGN = ["r", "p"] as const;
export const RELKINDS_TABLE = [...RELKINDS_TABLE_NO_FOREIGN, "f"] as const;
export const RELKINDS_VIEW = ["v"] as const;
export const RELKINDS_MAT_VIEW = ["m"] as const;
export const RELKINDS_ALL_TABLE_LIKE = [...RELKINDS_TABLE, ...RELKINDS_VIEW, ...RELKINDS_MAT_VIEW] as const;

/**
 * A bound parameter: name, value (null: given at execution), type: "s" string, "c" CHAR, "i" integer,
 * "h" SMALLINT, "b" boolean ("[]": expanding). SQLAlchemy's NAME and REGCLASS binds are strings here
 * and its OID binds integers (a driver that renders bind casts shows VARCHAR / INTEGER for them).
 */
type Bind = [string, string | number | boolean | null, string];

interface Statement {
  sql: string;
  binds: Bind[];
}

// biome-ignore format: the statements as SQLAlchemy renders them
const STATEMENTS = {
  columns: {
    sql: "SELECT pg_catalog.pg_attribute.attname AS name, pg_catalog.format_type(pg_catalog.pg_attribute.atttypid, pg_catalog.pg_attribute.atttypmod) AS format_type, (SELECT pg_catalog.pg_get_expr(pg_catalog.pg_attrdef.adbin, pg_catalog.pg_attrdef.adrelid) AS pg_get_expr_1 \nFROM pg_catalog.pg_attrdef \nWHERE pg_catalog.pg_attrdef.adrelid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attrdef.adnum = pg_catalog.pg_attribute.attnum AND pg_catalog.pg_attribute.atthasdef) AS \"default\", pg_catalog.pg_attribute.attnotnull AS not_null, pg_catalog.pg_class.relname AS table_name, pg_catalog.pg_description.description AS comment, pg_catalog.pg_attribute.attgenerated AS generated, (SELECT json_build_object(:json_build_object_2, pg_catalog.pg_attribute.attidentity = :attidentity_1, :json_build_object_3, pg_catalog.pg_sequence.seqstart, :json_build_object_4, pg_catalog.pg_sequence.seqincrement, :json_build_object_5, pg_catalog.pg_sequence.seqmin, :json_build_object_6, pg_catalog.pg_sequence.seqmax, :json_build_object_7, pg_catalog.pg_sequence.seqcache, :json_build_object_8, pg_catalog.pg_sequence.seqcycle) AS json_build_object_1 \nFROM pg_catalog.pg_sequence \nWHERE pg_catalog.pg_attribute.attidentity != :attidentity_2 AND pg_catalog.pg_sequence.seqrelid = CAST(CAST(pg_catalog.pg_get_serial_sequence(CAST(CAST(pg_catalog.pg_attribute.attrelid AS REGCLASS) AS TEXT), pg_catalog.pg_attribute.attname) AS REGCLASS) AS OID)) AS identity_options, CASE WHEN (pg_catalog.pg_attribute.attcollation != :attcollation_1 AND (SELECT pg_catalog.pg_type.typcollation \nFROM pg_catalog.pg_type \nWHERE pg_catalog.pg_type.oid = pg_catalog.pg_attribute.atttypid) != pg_catalog.pg_attribute.attcollation) THEN (SELECT pg_catalog.pg_collation.collname \nFROM pg_catalog.pg_collation \nWHERE pg_catalog.pg_collation.oid = pg_catalog.pg_attribute.attcollation) ELSE NULL END AS collation \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_class.oid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attribute.attnum > :attnum_1 AND NOT pg_catalog.pg_attribute.attisdropped LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_description.objsubid = pg_catalog.pg_attribute.attnum JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_attribute.attnum",
    binds: [["json_build_object_2", "always", "s"], ["attidentity_1", "a", "c"], ["json_build_object_3", "start", "s"], ["json_build_object_4", "increment", "s"], ["json_build_object_5", "minvalue", "s"], ["json_build_object_6", "maxvalue", "s"], ["json_build_object_7", "cache", "s"], ["json_build_object_8", "cycle", "s"], ["attidentity_2", "", "c"], ["attcollation_1", 0, "i"], ["attnum_1", 0, "h"], ["param_1", "r", "s"], ["param_2", "p", "s"], ["param_3", "f", "s"], ["param_4", "v", "s"], ["param_5", "m", "s"], ["nspname_1", "pg_catalog", "s"], ["filter_names", null, "s[]"]],
  },
  columns_in_schema: {
    sql: "SELECT pg_catalog.pg_attribute.attname AS name, pg_catalog.format_type(pg_catalog.pg_attribute.atttypid, pg_catalog.pg_attribute.atttypmod) AS format_type, (SELECT pg_catalog.pg_get_expr(pg_catalog.pg_attrdef.adbin, pg_catalog.pg_attrdef.adrelid) AS pg_get_expr_1 \nFROM pg_catalog.pg_attrdef \nWHERE pg_catalog.pg_attrdef.adrelid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attrdef.adnum = pg_catalog.pg_attribute.attnum AND pg_catalog.pg_attribute.atthasdef) AS \"default\", pg_catalog.pg_attribute.attnotnull AS not_null, pg_catalog.pg_class.relname AS table_name, pg_catalog.pg_description.description AS comment, pg_catalog.pg_attribute.attgenerated AS generated, (SELECT json_build_object(:json_build_object_2, pg_catalog.pg_attribute.attidentity = :attidentity_1, :json_build_object_3, pg_catalog.pg_sequence.seqstart, :json_build_object_4, pg_catalog.pg_sequence.seqincrement, :json_build_object_5, pg_catalog.pg_sequence.seqmin, :json_build_object_6, pg_catalog.pg_sequence.seqmax, :json_build_object_7, pg_catalog.pg_sequence.seqcache, :json_build_object_8, pg_catalog.pg_sequence.seqcycle) AS json_build_object_1 \nFROM pg_catalog.pg_sequence \nWHERE pg_catalog.pg_attribute.attidentity != :attidentity_2 AND pg_catalog.pg_sequence.seqrelid = CAST(CAST(pg_catalog.pg_get_serial_sequence(CAST(CAST(pg_catalog.pg_attribute.attrelid AS REGCLASS) AS TEXT), pg_catalog.pg_attribute.attname) AS REGCLASS) AS OID)) AS identity_options, CASE WHEN (pg_catalog.pg_attribute.attcollation != :attcollation_1 AND (SELECT pg_catalog.pg_type.typcollation \nFROM pg_catalog.pg_type \nWHERE pg_catalog.pg_type.oid = pg_catalog.pg_attribute.atttypid) != pg_catalog.pg_attribute.attcollation) THEN (SELECT pg_catalog.pg_collation.collname \nFROM pg_catalog.pg_collation \nWHERE pg_catalog.pg_collation.oid = pg_catalog.pg_attribute.attcollation) ELSE NULL END AS collation \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_class.oid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attribute.attnum > :attnum_1 AND NOT pg_catalog.pg_attribute.attisdropped LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_description.objsubid = pg_catalog.pg_attribute.attnum JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_namespace.nspname = :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_attribute.attnum",
    binds: [["json_build_object_2", "always", "s"], ["attidentity_1", "a", "c"], ["json_build_object_3", "start", "s"], ["json_build_object_4", "increment", "s"], ["json_build_object_5", "minvalue", "s"], ["json_build_object_6", "maxvalue", "s"], ["json_build_object_7", "cache", "s"], ["json_build_object_8", "cycle", "s"], ["attidentity_2", "", "c"], ["attcollation_1", 0, "i"], ["attnum_1", 0, "h"], ["param_1", "r", "s"], ["param_2", "p", "s"], ["param_3", "f", "s"], ["param_4", "v", "s"], ["param_5", "m", "s"], ["nspname_1", null, "s"], ["filter_names", null, "s[]"]],
  },
  domains: {
    sql: "SELECT pg_catalog.pg_type.typname AS name, pg_catalog.format_type(pg_catalog.pg_type.typbasetype, pg_catalog.pg_type.typtypmod) AS attype, NOT pg_catalog.pg_type.typnotnull AS nullable, pg_catalog.pg_type.typdefault AS \"default\", pg_catalog.pg_type_is_visible(pg_catalog.pg_type.oid) AS visible, pg_catalog.pg_namespace.nspname AS schema, domain_constraints.condefs, domain_constraints.connames, pg_catalog.pg_collation.collname \nFROM pg_catalog.pg_type JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_type.typnamespace LEFT OUTER JOIN pg_catalog.pg_collation ON pg_catalog.pg_type.typcollation = pg_catalog.pg_collation.oid LEFT OUTER JOIN (SELECT pg_catalog.pg_constraint.contypid AS contypid, array_agg(pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, :pg_get_constraintdef_1)) AS condefs, array_agg(CAST(pg_catalog.pg_constraint.conname AS TEXT)) AS connames \nFROM pg_catalog.pg_constraint \nWHERE pg_catalog.pg_constraint.contypid != :contypid_1 GROUP BY pg_catalog.pg_constraint.contypid) AS domain_constraints ON pg_catalog.pg_type.oid = domain_constraints.contypid \nWHERE pg_catalog.pg_type.typtype = :typtype_1 ORDER BY pg_catalog.pg_namespace.nspname, pg_catalog.pg_type.typname",
    binds: [["pg_get_constraintdef_1", true, "b"], ["contypid_1", 0, "i"], ["typtype_1", "d", "c"]],
  },
  enums: {
    sql: "SELECT pg_catalog.pg_type.typname AS name, pg_catalog.pg_type_is_visible(pg_catalog.pg_type.oid) AS visible, pg_catalog.pg_namespace.nspname AS schema, lbl_agg.labels AS labels \nFROM pg_catalog.pg_type JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_type.typnamespace LEFT OUTER JOIN (SELECT pg_catalog.pg_enum.enumtypid AS enumtypid, array_agg(CAST(pg_catalog.pg_enum.enumlabel AS TEXT) ORDER BY pg_catalog.pg_enum.enumsortorder) AS labels \nFROM pg_catalog.pg_enum GROUP BY pg_catalog.pg_enum.enumtypid) AS lbl_agg ON pg_catalog.pg_type.oid = lbl_agg.enumtypid \nWHERE pg_catalog.pg_type.typtype = :typtype_1 ORDER BY pg_catalog.pg_namespace.nspname, pg_catalog.pg_type.typname",
    binds: [["typtype_1", "e", "c"]],
  },
  table_oids: {
    sql: "SELECT pg_catalog.pg_class.oid, pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names",
    binds: [["param_1", "r", "s"], ["param_2", "p", "s"], ["param_3", "f", "s"], ["param_4", "v", "s"], ["param_5", "m", "s"], ["nspname_1", "pg_catalog", "s"], ["filter_names", null, "s[]"]],
  },
  table_oids_in_schema: {
    sql: "SELECT pg_catalog.pg_class.oid, pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_namespace.nspname = :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names",
    binds: [["param_1", "r", "s"], ["param_2", "p", "s"], ["param_3", "f", "s"], ["param_4", "v", "s"], ["param_5", "m", "s"], ["nspname_1", null, "s"], ["filter_names", null, "s[]"]],
  },
  constraints: {
    sql: "SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct \nFROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description, con.ord AS ord, con.indnkeyatts AS indnkeyatts, con.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_attribute.attname AS attname \nFROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid, pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum, generate_subscripts(pg_catalog.pg_index.indkey, :generate_subscripts_1) AS ord, pg_catalog.pg_index.indnkeyatts AS indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_description.description AS description \nFROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index ON pg_catalog.pg_constraint.conindid = pg_catalog.pg_index.indexrelid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid \nWHERE pg_catalog.pg_constraint.contype = :contype AND pg_catalog.pg_constraint.conrelid IN :oids) AS con ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid \nWHERE con.conrelid IN :oids) AS attr GROUP BY attr.conrelid, attr.conname ORDER BY attr.conrelid, attr.conname",
    binds: [["generate_subscripts_1", 1, "i"], ["contype", null, "c"], ["oids", null, "i[]"]],
  },
  foreign_keys: {
    sql: "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, :pg_get_constraintdef_1) END AS anon_1, nsp_ref.nspname, pg_catalog.pg_description.description \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = :contype_1 LEFT OUTER JOIN pg_catalog.pg_class AS cls_ref ON cls_ref.oid = pg_catalog.pg_constraint.confrelid LEFT OUTER JOIN pg_catalog.pg_namespace AS nsp_ref ON cls_ref.relnamespace = nsp_ref.oid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname",
    binds: [["pg_get_constraintdef_1", true, "b"], ["contype_1", "f", "c"], ["param_1", "r", "s"], ["param_2", "p", "s"], ["param_3", "f", "s"], ["param_4", "v", "s"], ["param_5", "m", "s"], ["nspname_1", "pg_catalog", "s"], ["filter_names", null, "s[]"]],
  },
  foreign_keys_in_schema: {
    sql: "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, :pg_get_constraintdef_1) END AS anon_1, nsp_ref.nspname, pg_catalog.pg_description.description \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = :contype_1 LEFT OUTER JOIN pg_catalog.pg_class AS cls_ref ON cls_ref.oid = pg_catalog.pg_constraint.confrelid LEFT OUTER JOIN pg_catalog.pg_namespace AS nsp_ref ON cls_ref.relnamespace = nsp_ref.oid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_namespace.nspname = :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname",
    binds: [["pg_get_constraintdef_1", true, "b"], ["contype_1", "f", "c"], ["param_1", "r", "s"], ["param_2", "p", "s"], ["param_3", "f", "s"], ["param_4", "v", "s"], ["param_5", "m", "s"], ["nspname_1", null, "s"], ["filter_names", null, "s[]"]],
  },
  indexes: {
    sql: "SELECT pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname, pg_catalog.pg_index.indisunique, pg_catalog.pg_constraint.conrelid IS NOT NULL AS has_constraint, pg_catalog.pg_index.indoption, pg_catalog.pg_class.reloptions, pg_catalog.pg_am.amname, CASE WHEN (pg_catalog.pg_index.indpred IS NOT NULL) THEN pg_catalog.pg_get_expr(pg_catalog.pg_index.indpred, pg_catalog.pg_index.indrelid) END AS filter_definition, pg_catalog.pg_index.indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct, idx_cols.elements, idx_cols.elements_is_expr, idx_cols.elements_opclass, idx_cols.elements_opdefault \nFROM pg_catalog.pg_index JOIN pg_catalog.pg_class ON pg_catalog.pg_index.indexrelid = pg_catalog.pg_class.oid JOIN pg_catalog.pg_am ON pg_catalog.pg_class.relam = pg_catalog.pg_am.oid LEFT OUTER JOIN (SELECT idx_attr.indexrelid AS indexrelid, min(idx_attr.indrelid) AS min_1, array_agg(idx_attr.element ORDER BY idx_attr.ord) AS elements, array_agg(idx_attr.is_expr ORDER BY idx_attr.ord) AS elements_is_expr, array_agg(idx_attr.opcname ORDER BY idx_attr.ord) AS elements_opclass, array_agg(idx_attr.opcdefault ORDER BY idx_attr.ord) AS elements_opdefault \nFROM (SELECT idx.indexrelid AS indexrelid, idx.indrelid AS indrelid, idx.ord AS ord, CASE WHEN (idx.attnum = :attnum_1) THEN pg_catalog.pg_get_indexdef(idx.indexrelid, idx.ord + :ord_1, :pg_get_indexdef_1) ELSE CAST(pg_catalog.pg_attribute.attname AS TEXT) END AS element, idx.attnum = :attnum_2 AS is_expr, pg_catalog.pg_opclass.opcname AS opcname, pg_catalog.pg_opclass.opcdefault AS opcdefault \nFROM (SELECT pg_catalog.pg_index.indexrelid AS indexrelid, pg_catalog.pg_index.indrelid AS indrelid, unnest(pg_catalog.pg_index.indkey) AS attnum, unnest(pg_catalog.pg_index.indclass) AS att_opclass, generate_subscripts(pg_catalog.pg_index.indkey, :generate_subscripts_1) AS ord \nFROM pg_catalog.pg_index \nWHERE NOT pg_catalog.pg_index.indisprimary AND pg_catalog.pg_index.indrelid IN :oids) AS idx LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_attribute.attnum = idx.attnum AND pg_catalog.pg_attribute.attrelid = idx.indrelid LEFT OUTER JOIN pg_catalog.pg_opclass ON pg_catalog.pg_opclass.oid = idx.att_opclass \nWHERE idx.indrelid IN :oids) AS idx_attr GROUP BY idx_attr.indexrelid) AS idx_cols ON pg_catalog.pg_index.indexrelid = idx_cols.indexrelid LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_index.indrelid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_index.indexrelid = pg_catalog.pg_constraint.conindid AND pg_catalog.pg_constraint.contype = ANY (ARRAY[:param_1, :param_2, :param_3]) \nWHERE pg_catalog.pg_index.indrelid IN :oids AND NOT pg_catalog.pg_index.indisprimary ORDER BY pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname",
    binds: [["attnum_1", 0, "i"], ["ord_1", 1, "i"], ["pg_get_indexdef_1", true, "b"], ["attnum_2", 0, "i"], ["generate_subscripts_1", 1, "i"], ["oids", null, "i[]"], ["param_1", "p", "s"], ["param_2", "u", "s"], ["param_3", "x", "s"]],
  },
  table_comment: {
    sql: "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_description.description \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_class.oid = pg_catalog.pg_description.objoid AND pg_catalog.pg_description.objsubid = :objsubid_1 AND pg_catalog.pg_description.classoid = CAST(:param_1 AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_2, :param_3, :param_4, :param_5, :param_6]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names",
    binds: [["objsubid_1", 0, "i"], ["param_1", "pg_catalog.pg_class", "s"], ["param_2", "r", "s"], ["param_3", "p", "s"], ["param_4", "f", "s"], ["param_5", "v", "s"], ["param_6", "m", "s"], ["nspname_1", "pg_catalog", "s"], ["filter_names", null, "s[]"]],
  },
  table_comment_in_schema: {
    sql: "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_description.description \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_class.oid = pg_catalog.pg_description.objoid AND pg_catalog.pg_description.objsubid = :objsubid_1 AND pg_catalog.pg_description.classoid = CAST(:param_1 AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_2, :param_3, :param_4, :param_5, :param_6]) AND pg_catalog.pg_namespace.nspname = :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names",
    binds: [["objsubid_1", 0, "i"], ["param_1", "pg_catalog.pg_class", "s"], ["param_2", "r", "s"], ["param_3", "p", "s"], ["param_4", "f", "s"], ["param_5", "v", "s"], ["param_6", "m", "s"], ["nspname_1", null, "s"], ["filter_names", null, "s[]"]],
  },
  check_constraints: {
    sql: "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, :pg_get_constraintdef_1) END AS anon_1, pg_catalog.pg_description.description \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = :contype_1 LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname",
    binds: [["pg_get_constraintdef_1", true, "b"], ["contype_1", "c", "c"], ["param_1", "r", "s"], ["param_2", "p", "s"], ["param_3", "f", "s"], ["param_4", "v", "s"], ["param_5", "m", "s"], ["nspname_1", "pg_catalog", "s"], ["filter_names", null, "s[]"]],
  },
  check_constraints_in_schema: {
    sql: "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, :pg_get_constraintdef_1) END AS anon_1, pg_catalog.pg_description.description \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = :contype_1 LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_namespace.nspname = :nspname_1 AND pg_catalog.pg_class.relname IN :filter_names ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname",
    binds: [["pg_get_constraintdef_1", true, "b"], ["contype_1", "c", "c"], ["param_1", "r", "s"], ["param_2", "p", "s"], ["param_3", "f", "s"], ["param_4", "v", "s"], ["param_5", "m", "s"], ["nspname_1", null, "s"], ["filter_names", null, "s[]"]],
  },
  table_names: {
    sql: "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2]) AND pg_catalog.pg_class.relpersistence != :relpersistence_1 AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != :nspname_1",
    binds: [["param_1", "r", "s"], ["param_2", "p", "s"], ["relpersistence_1", "t", "c"], ["nspname_1", "pg_catalog", "s"]],
  },
  table_names_in_schema: {
    sql: "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2]) AND pg_catalog.pg_class.relpersistence != :relpersistence_1 AND pg_catalog.pg_namespace.nspname = :nspname_1",
    binds: [["param_1", "r", "s"], ["param_2", "p", "s"], ["relpersistence_1", "t", "c"], ["nspname_1", null, "s"]],
  },
  view_names: {
    sql: "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1]) AND pg_catalog.pg_class.relpersistence != :relpersistence_1 AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != :nspname_1",
    binds: [["param_1", "v", "s"], ["relpersistence_1", "t", "c"], ["nspname_1", "pg_catalog", "s"]],
  },
  view_names_in_schema: {
    sql: "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1]) AND pg_catalog.pg_class.relpersistence != :relpersistence_1 AND pg_catalog.pg_namespace.nspname = :nspname_1",
    binds: [["param_1", "v", "s"], ["relpersistence_1", "t", "c"], ["nspname_1", null, "s"]],
  },
  schema_names: {
    sql: "SELECT pg_catalog.pg_namespace.nspname \nFROM pg_catalog.pg_namespace \nWHERE pg_catalog.pg_namespace.nspname NOT LIKE :nspname_1 ORDER BY pg_catalog.pg_namespace.nspname",
    binds: [["nspname_1", "pg_%", "s"]],
  },
} satisfies Record<string, Statement>;

export type StatementName = keyof typeof STATEMENTS;

function bindType(kind: string): TypeEngine {
  if (kind.startsWith("i")) return new Integer();
  if (kind.startsWith("h")) return new SMALLINT();
  if (kind.startsWith("b")) return new SABoolean();
  if (kind.startsWith("c")) return new CHAR();
  return new SAString();
}

const built = new Map<string, TextClause>();

/**
 * The statement `name` as a text() clause with its bound parameters, built once per schema as
 * SQLAlchemy's `lru_cache` keeps each query (a schema goes into `nspname_1`).
 */
export function statement(name: StatementName, schema: string | null = null): TextClause {
  const key = schema === null ? name : `${name}\u0000${schema}`;
  let stmt = built.get(key);
  if (stmt === undefined) {
    const { sql, binds } = STATEMENTS[name] as Statement;
    stmt = text(sql).bindparams(
      ...binds.map(([bname, value, kind]) =>
        bindparam(bname, value === null && bname === "nspname_1" ? schema : (value ?? undefined), {
          type_: bindType(kind),
          expanding: kind.endsWith("[]"),
        }),
      ),
    );
    built.set(key, stmt);
  }
  return stmt;
}
