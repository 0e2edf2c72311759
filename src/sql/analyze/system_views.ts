/**
 * The system catalogs and views vecgres answers (pg_catalog), with PostgreSQL 18's column
 * names in PostgreSQL's order. Each column is declared with its PostgreSQL type name; the
 * value type is the nearest vecgres type where vecgres has no such type yet (`oid` columns are
 * of type oid): `name`, `regproc`, `"char"`, `xid`, `int2vector`, `oidvector`, `pg_node_tree`,
 * `timestamptz` (but pg_stat_activity's, pg_prepared_statements' and pg_cursors', which are timestamptz), `inet` -> text; `anyarray`, `_aclitem`, `_text`, `_char` -> text[]; `_float4` -> real[];
 * `_oid` -> bigint[]. A `pg_node_tree` column holds the expression's SQL text (what
 * pg_get_expr prints), since vecgres keeps expressions as text.
 * Rows come from the executor (exec/system_views.ts).
 */
import type { SqlType } from './types.js';

/** One column of a system view: its name, vecgres type and PostgreSQL's type name. */
export interface SystemViewColumn {
  name: string;
  type: SqlType;
  pgType: string;
}

const TYPE_OF_PG: Record<string, SqlType> = {
  oid: 'oid', regproc: 'text', name: 'text', char: 'text', xid: 'text', int2vector: 'text', oidvector: 'text',
  pg_node_tree: 'text', regtype: 'text', inet: 'text', timestamptz: 'text', anyarray: 'text[]', _aclitem: 'text[]', _text: 'text[]', _float4: 'float4[]', _oid: 'int8[]',
  _int2: 'int2[]', _char: 'text[]', _regtype: 'regtype[]', bytea: 'bytea',
  int2: 'int2', int4: 'int4', int8: 'int8', float4: 'float4', float8: 'float8', bool: 'bool', text: 'text',
  varchar: 'varchar',
};

/**
 * Columns from PostgreSQL's `\d`-like spec `name:pgtype name:pgtype ...`; `name:pgtype=type`
 * gives the vecgres type where the usual stand-in does not serve.
 */
function cols(spec: string): SystemViewColumn[] {
  return spec.trim().split(/\s+/).map((s) => {
    const [name, declared] = s.split(':') as [string, string];
    const [pgType, own] = declared.split('=') as [string, string | undefined];
    const type = own !== undefined ? (own as SqlType) : TYPE_OF_PG[pgType];
    if (type === undefined) throw new Error(`system view column type ${pgType}`);
    return { name, type, pgType };
  });
}

/** The columns of pg_statio_all_tables and pg_statio_user_tables (one a filtered view of the other). */
const STATIO_TABLE_COLUMNS = cols(`relid:oid schemaname:name relname:name heap_blks_read:int8 heap_blks_hit:int8 idx_blks_read:int8
  idx_blks_hit:int8 toast_blks_read:int8 toast_blks_hit:int8 tidx_blks_read:int8 tidx_blks_hit:int8`);

/** PostgreSQL 18's columns of the system catalogs and views vecgres serves. */
export const SYSTEM_VIEWS: Record<string, SystemViewColumn[]> = {
  pg_stats: cols(`schemaname:name tablename:name attname:name inherited:bool null_frac:float4 avg_width:int4 n_distinct:float4
    most_common_vals:anyarray most_common_freqs:_float4 histogram_bounds:anyarray correlation:float4 most_common_elems:anyarray
    most_common_elem_freqs:_float4 elem_count_histogram:_float4 range_length_histogram:anyarray range_empty_frac:float4
    range_bounds_histogram:anyarray`),
  pg_class: cols(`oid:oid relname:name relnamespace:oid reltype:oid reloftype:oid relowner:oid relam:oid relfilenode:oid
    reltablespace:oid relpages:int4 reltuples:float4 relallvisible:int4 relallfrozen:int4 reltoastrelid:oid relhasindex:bool
    relisshared:bool relpersistence:char relkind:char relnatts:int2 relchecks:int2 relhasrules:bool relhastriggers:bool
    relhassubclass:bool relrowsecurity:bool relforcerowsecurity:bool relispopulated:bool relreplident:char relispartition:bool
    relrewrite:oid relfrozenxid:xid relminmxid:xid relacl:_aclitem reloptions:_text relpartbound:pg_node_tree`),
  pg_namespace: cols('oid:oid nspname:name nspowner:oid nspacl:_aclitem'),
  pg_locks: cols(`locktype:text database:oid relation:oid page:int4 tuple:int2 virtualxid:text transactionid:xid classid:oid
    objid:oid objsubid:int2 virtualtransaction:text pid:int4 mode:text granted:bool fastpath:bool waitstart:timestamptz`),
  pg_stat_activity: cols(`datid:oid datname:name pid:int4 leader_pid:int4 usesysid:oid usename:name application_name:text
    client_addr:inet client_hostname:text client_port:int4 backend_start:timestamptz=timestamptz xact_start:timestamptz=timestamptz
    query_start:timestamptz=timestamptz state_change:timestamptz=timestamptz wait_event_type:text wait_event:text state:text
    backend_xid:xid backend_xmin:xid query_id:int8 query:text backend_type:text`),
  pg_cursors: cols('name:text statement:text is_holdable:bool is_binary:bool is_scrollable:bool creation_time:timestamptz=timestamptz'),
  pg_prepared_statements: cols(`name:text statement:text prepare_time:timestamptz=timestamptz parameter_types:_regtype
    result_types:_regtype from_sql:bool generic_plans:int8 custom_plans:int8`),
  pg_sequences: cols(`schemaname:name sequencename:name sequenceowner:name data_type:regtype start_value:int8 min_value:int8
    max_value:int8 increment_by:int8 cycle:bool cache_size:int8 last_value:int8`),
  pg_sequence: cols('seqrelid:oid seqtypid:oid seqstart:int8 seqincrement:int8 seqmax:int8 seqmin:int8 seqcache:int8 seqcycle:bool'),
  pg_depend: cols('classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid refobjsubid:int4 deptype:char'),
  pg_am: cols('oid:oid amname:name amhandler:regproc amtype:char'),
  pg_opclass: cols('oid:oid opcmethod:oid opcname:name opcnamespace:oid opcowner:oid opcfamily:oid opcintype:oid opcdefault:bool opckeytype:oid'),
  pg_type: cols(`oid:oid typname:name typnamespace:oid typowner:oid typlen:int2 typbyval:bool typtype:char typcategory:char
    typispreferred:bool typisdefined:bool typdelim:char typrelid:oid typsubscript:regproc typelem:oid typarray:oid typinput:regproc
    typoutput:regproc typreceive:regproc typsend:regproc typmodin:regproc typmodout:regproc typanalyze:regproc typalign:char
    typstorage:char typnotnull:bool typbasetype:oid typtypmod:int4 typndims:int4 typcollation:oid typdefaultbin:pg_node_tree
    typdefault:text typacl:_aclitem`),
  pg_index: cols(`indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2 indisunique:bool indnullsnotdistinct:bool
    indisprimary:bool indisexclusion:bool indimmediate:bool indisclustered:bool indisvalid:bool indcheckxmin:bool indisready:bool
    indislive:bool indisreplident:bool indkey:int2vector indcollation:oidvector indclass:oidvector indoption:int2vector
    indexprs:pg_node_tree indpred:pg_node_tree`),
  pg_enum: cols('oid:oid enumtypid:oid enumsortorder:float4 enumlabel:name'),
  pg_extension: cols('oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:bool extversion:text extconfig:_oid extcondition:_text'),
  pg_description: cols('objoid:oid classoid:oid objsubid:int4 description:text'),
  pg_database: cols(`oid:oid datname:name datdba:oid encoding:int4 datlocprovider:char datistemplate:bool datallowconn:bool
    dathasloginevt:bool datconnlimit:int4 datfrozenxid:xid datminmxid:xid dattablespace:oid datcollate:text datctype:text
    datlocale:text daticurules:text datcollversion:text datacl:_aclitem`),
  pg_views: cols('schemaname:name viewname:name viewowner:name definition:text'),
  pg_tables: cols('schemaname:name tablename:name tableowner:name tablespace:name hasindexes:bool hasrules:bool hastriggers:bool rowsecurity:bool'),
  pg_stat_user_tables: cols(`relid:oid schemaname:name relname:name seq_scan:int8 last_seq_scan:timestamptz seq_tup_read:int8
    idx_scan:int8 last_idx_scan:timestamptz idx_tup_fetch:int8 n_tup_ins:int8 n_tup_upd:int8 n_tup_del:int8 n_tup_hot_upd:int8
    n_tup_newpage_upd:int8 n_live_tup:int8 n_dead_tup:int8 n_mod_since_analyze:int8 n_ins_since_vacuum:int8
    last_vacuum:timestamptz last_autovacuum:timestamptz last_analyze:timestamptz last_autoanalyze:timestamptz vacuum_count:int8
    autovacuum_count:int8 analyze_count:int8 autoanalyze_count:int8 total_vacuum_time:float8 total_autovacuum_time:float8
    total_analyze_time:float8 total_autoanalyze_time:float8`),
  pg_statio_all_tables: STATIO_TABLE_COLUMNS,
  pg_statio_user_tables: STATIO_TABLE_COLUMNS,
  pg_stat_user_indexes: cols(`relid:oid indexrelid:oid schemaname:name relname:name indexrelname:name idx_scan:int8
    last_idx_scan:timestamptz idx_tup_read:int8 idx_tup_fetch:int8`),
  pg_attribute: cols(`attrelid:oid attname:name atttypid:oid attlen:int2 attnum:int2 atttypmod:int4 attndims:int2 attbyval:bool
    attalign:char attstorage:char attcompression:char attnotnull:bool atthasdef:bool atthasmissing:bool attidentity:char
    attgenerated:char attisdropped:bool attislocal:bool attinhcount:int2 attcollation:oid attstattarget:int2 attacl:_aclitem
    attoptions:_text attfdwoptions:_text attmissingval:anyarray`),
  pg_attrdef: cols('oid:oid adrelid:oid adnum:int2 adbin:pg_node_tree'),
  pg_constraint: cols(`oid:oid conname:name connamespace:oid contype:char condeferrable:bool condeferred:bool conenforced:bool
    convalidated:bool conrelid:oid contypid:oid conindid:oid conparentid:oid confrelid:oid confupdtype:char confdeltype:char
    confmatchtype:char conislocal:bool coninhcount:int2 connoinherit:bool conperiod:bool conkey:_int2 confkey:_int2 conpfeqop:_oid
    conppeqop:_oid conffeqop:_oid confdelsetcols:_int2 conexclop:_oid conbin:pg_node_tree`),
  pg_collation: cols(`oid:oid collname:name collnamespace:oid collowner:oid collprovider:char collisdeterministic:bool
    collencoding:int4 collcollate:text collctype:text colllocale:text collicurules:text collversion:text`),
  pg_roles: cols(`rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool
    rolreplication:bool rolconnlimit:int4 rolpassword:text rolvaliduntil:timestamptz=timestamptz rolbypassrls:bool rolconfig:_text oid:oid`),
  pg_authid: cols(`oid:oid rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool
    rolreplication:bool rolbypassrls:bool rolconnlimit:int4 rolpassword:text rolvaliduntil:timestamptz=timestamptz`),
  pg_auth_members: cols('oid:oid roleid:oid member:oid grantor:oid admin_option:bool inherit_option:bool set_option:bool'),
  pg_language: cols('oid:oid lanname:name lanowner:oid lanispl:bool lanpltrusted:bool lanplcallfoid:oid laninline:oid lanvalidator:oid lanacl:_aclitem'),
  pg_tablespace: cols('oid:oid spcname:name spcowner:oid spcacl:_aclitem spcoptions:_text'),
  pg_shdescription: cols('objoid:oid classoid:oid description:text'),
  // oprcode is a regproc value (its function is a pg_proc row), so obj_description(oprcode, ...) reads it.
  pg_operator: cols(`oid:oid oprname:name oprnamespace:oid oprowner:oid oprkind:char oprcanmerge:bool oprcanhash:bool oprleft:oid
    oprright:oid oprresult:oid oprcom:oid oprnegate:oid oprcode:regproc=regproc oprrest:regproc oprjoin:regproc`),
  pg_proc: cols(`oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:float4 prorows:float4 provariadic:oid
    prosupport:regproc prokind:char prosecdef:bool proleakproof:bool proisstrict:bool proretset:bool provolatile:char
    proparallel:char pronargs:int2 pronargdefaults:int2 prorettype:oid proargtypes:oidvector proallargtypes:_oid
    proargmodes:_char proargnames:_text proargdefaults:pg_node_tree protrftypes:_oid prosrc:text probin:text
    prosqlbody:pg_node_tree proconfig:_text proacl:_aclitem`),
  // Catalogs of objects vecgres does not have (row-level security policies, extended
  // statistics, publications, triggers, inheritance): always empty; psql's \d reads them.
  pg_policy: cols('oid:oid polname:name polrelid:oid polcmd:char polpermissive:bool polroles:_oid polqual:pg_node_tree polwithcheck:pg_node_tree'),
  pg_statistic_ext: cols(`oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid stxkeys:int2vector stxstattarget:int2
    stxkind:_char stxexprs:pg_node_tree`),
  pg_publication: cols(`oid:oid pubname:name pubowner:oid puballtables:bool pubinsert:bool pubupdate:bool pubdelete:bool
    pubtruncate:bool pubviaroot:bool pubgencols:char`),
  pg_publication_namespace: cols('oid:oid pnpubid:oid pnnspid:oid'),
  // prattrs is an int2vector, which psql subscripts: int2[] here (the table is empty).
  pg_publication_rel: cols('oid:oid prpubid:oid prrelid:oid prqual:pg_node_tree prattrs:int2vector=int2[]'),
  pg_trigger: cols(`oid:oid tgrelid:oid tgparentid:oid tgname:name tgfoid:oid tgtype:int2 tgenabled:char tgisinternal:bool
    tgconstrrelid:oid tgconstrindid:oid tgconstraint:oid tgdeferrable:bool tginitdeferred:bool tgnargs:int2 tgattr:int2vector
    tgargs:bytea tgqual:pg_node_tree tgoldtable:name tgnewtable:name`),
  pg_inherits: cols('inhrelid:oid inhparent:oid inhseqno:int4 inhdetachpending:bool'),
  pg_stat_progress_create_index: cols(`pid:int4 datid:oid datname:name relid:oid index_relid:oid command:text phase:text
    lockers_total:int8 lockers_done:int8 current_locker_pid:int8 blocks_total:int8 blocks_done:int8 tuples_total:int8
    tuples_done:int8 partitions_total:int8 partitions_done:int8`),
};

/** pg_shdescription's rows (objoid, classoid, description): initdb's comments on the databases. */
export const SHARED_DESCRIPTIONS: readonly [number, number, string][] = [
  [1, 1262, 'default template for new databases'],
  [4, 1262, 'unmodifiable empty database'],
  [5, 1262, 'default administrative connection database'],
];

/** pg_tablespace's two rows' oids: every relation is in pg_default; pg_global holds the shared catalogs. */
export const DEFAULT_TABLESPACE = 1663;
export const GLOBAL_TABLESPACE = 1664;

/**
 * The fixed oids of the system catalogs (pg_class.oid in PostgreSQL 18, the same in every
 * database), for `'pg_catalog.pg_extension'::regclass` and pg_description.classoid.
 */
export const CATALOG_OIDS: Record<string, number> = {
  pg_type: 1247, pg_attribute: 1249, pg_proc: 1255, pg_class: 1259, pg_database: 1262, pg_am: 2601, pg_attrdef: 2604,
  pg_constraint: 2606, pg_description: 2609, pg_index: 2610, pg_namespace: 2615, pg_opclass: 2616, pg_extension: 3079,
  pg_collation: 3456, pg_policy: 3256, pg_statistic_ext: 3381, pg_publication: 6104, pg_publication_namespace: 6237,
  pg_publication_rel: 6106, pg_trigger: 2620, pg_inherits: 2611, pg_authid: 1260, pg_sequence: 2224, pg_depend: 2608, pg_enum: 3501,
  pg_auth_members: 1261, pg_language: 2612, pg_tablespace: 1213, pg_shdescription: 2396, pg_operator: 2617,
};

/**
 * The information_schema views vecgres answers, with PostgreSQL's columns (its domains by their
 * base types, as RowDescription reports them: sql_identifier is name, character_data and
 * yes_or_no are character varying, cardinal_number is integer). Rows: exec/system_views.ts.
 */
export const INFORMATION_SCHEMA_VIEWS: Record<string, SystemViewColumn[]> = {
  schemata: cols(`catalog_name:name schema_name:name schema_owner:name default_character_set_catalog:name
    default_character_set_schema:name default_character_set_name:name sql_path:varchar`),
  tables: cols(`table_catalog:name table_schema:name table_name:name table_type:varchar self_referencing_column_name:name
    reference_generation:varchar user_defined_type_catalog:name user_defined_type_schema:name user_defined_type_name:name
    is_insertable_into:varchar is_typed:varchar commit_action:varchar`),
  columns: cols(`table_catalog:name table_schema:name table_name:name column_name:name ordinal_position:int4
    column_default:varchar is_nullable:varchar data_type:varchar character_maximum_length:int4 character_octet_length:int4
    numeric_precision:int4 numeric_precision_radix:int4 numeric_scale:int4 datetime_precision:int4 interval_type:varchar
    interval_precision:int4 character_set_catalog:name character_set_schema:name character_set_name:name
    collation_catalog:name collation_schema:name collation_name:name domain_catalog:name domain_schema:name domain_name:name
    udt_catalog:name udt_schema:name udt_name:name scope_catalog:name scope_schema:name scope_name:name
    maximum_cardinality:int4 dtd_identifier:name is_self_referencing:varchar is_identity:varchar identity_generation:varchar
    identity_start:varchar identity_increment:varchar identity_maximum:varchar identity_minimum:varchar identity_cycle:varchar
    is_generated:varchar generation_expression:varchar is_updatable:varchar`),
  table_constraints: cols(`constraint_catalog:name constraint_schema:name constraint_name:name table_catalog:name
    table_schema:name table_name:name constraint_type:varchar is_deferrable:varchar initially_deferred:varchar enforced:varchar
    nulls_distinct:varchar`),
  key_column_usage: cols(`constraint_catalog:name constraint_schema:name constraint_name:name table_catalog:name
    table_schema:name table_name:name column_name:name ordinal_position:int4 position_in_unique_constraint:int4`),
  constraint_column_usage: cols(`table_catalog:name table_schema:name table_name:name column_name:name
    constraint_catalog:name constraint_schema:name constraint_name:name`),
  constraint_table_usage: cols(`table_catalog:name table_schema:name table_name:name constraint_catalog:name
    constraint_schema:name constraint_name:name`),
  referential_constraints: cols(`constraint_catalog:name constraint_schema:name constraint_name:name
    unique_constraint_catalog:name unique_constraint_schema:name unique_constraint_name:name match_option:varchar
    update_rule:varchar delete_rule:varchar`),
  check_constraints: cols('constraint_catalog:name constraint_schema:name constraint_name:name check_clause:varchar'),
  sequences: cols(`sequence_catalog:name sequence_schema:name sequence_name:name data_type:varchar numeric_precision:int4
    numeric_precision_radix:int4 numeric_scale:int4 start_value:varchar minimum_value:varchar maximum_value:varchar
    increment:varchar cycle_option:varchar`),
  views: cols(`table_catalog:name table_schema:name table_name:name view_definition:varchar check_option:varchar
    is_updatable:varchar is_insertable_into:varchar is_trigger_updatable:varchar is_trigger_deletable:varchar
    is_trigger_insertable_into:varchar`),
};

/**
 * The tables and views of PostgreSQL 18's pg_catalog, taken from the oracle's catalog (`SELECT
 * relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind IN (...)`)
 * when this list was made: one vecgres does not have is named in a 0A000 rather than 42P01.
 */
export const PG_CATALOG_RELATIONS: ReadonlySet<string> = new Set(`pg_aggregate pg_aios pg_am pg_amop pg_amproc pg_attrdef pg_attribute pg_auth_members pg_authid
  pg_available_extension_versions pg_available_extensions pg_backend_memory_contexts pg_cast
  pg_class pg_collation pg_config pg_constraint pg_conversion pg_cursors pg_database
  pg_db_role_setting pg_default_acl pg_depend pg_description pg_enum pg_event_trigger pg_extension
  pg_file_settings pg_foreign_data_wrapper pg_foreign_server pg_foreign_table pg_group
  pg_hba_file_rules pg_ident_file_mappings pg_index pg_indexes pg_inherits pg_init_privs
  pg_language pg_largeobject pg_largeobject_metadata pg_locks pg_matviews pg_namespace pg_opclass
  pg_operator pg_opfamily pg_parameter_acl pg_partitioned_table pg_policies pg_policy
  pg_prepared_statements pg_prepared_xacts pg_proc pg_publication pg_publication_namespace
  pg_publication_rel pg_publication_tables pg_range pg_replication_origin
  pg_replication_origin_status pg_replication_slots pg_rewrite pg_roles pg_rules pg_seclabel
  pg_seclabels pg_sequence pg_sequences pg_settings pg_shadow pg_shdepend pg_shdescription
  pg_shmem_allocations pg_shmem_allocations_numa pg_shseclabel
  pg_stat_all_indexes pg_stat_all_tables pg_stat_archiver pg_stat_bgwriter pg_stat_checkpointer
  pg_stat_database pg_stat_database_conflicts pg_stat_gssapi pg_stat_io pg_stat_progress_analyze
  pg_stat_progress_basebackup pg_stat_progress_cluster pg_stat_progress_copy
  pg_stat_progress_create_index pg_stat_progress_vacuum pg_stat_recovery_prefetch
  pg_stat_replication pg_stat_replication_slots pg_stat_slru pg_stat_ssl pg_stat_subscription
  pg_stat_subscription_stats pg_stat_sys_indexes pg_stat_sys_tables pg_stat_user_functions
  pg_stat_user_indexes pg_stat_user_tables pg_stat_wal pg_stat_wal_receiver
  pg_stat_xact_all_tables pg_stat_xact_sys_tables pg_stat_xact_user_functions
  pg_stat_xact_user_tables pg_statio_all_indexes pg_statio_all_sequences pg_statio_all_tables
  pg_statio_sys_indexes pg_statio_sys_sequences pg_statio_sys_tables pg_statio_user_indexes
  pg_statio_user_sequences pg_statio_user_tables pg_statistic pg_statistic_ext
  pg_statistic_ext_data pg_stats pg_stats_ext pg_stats_ext_exprs pg_subscription
  pg_subscription_rel pg_tables pg_tablespace pg_timezone_abbrevs pg_timezone_names pg_transform
  pg_trigger pg_ts_config pg_ts_config_map pg_ts_dict pg_ts_parser pg_ts_template pg_type pg_user
  pg_user_mapping pg_user_mappings pg_views pg_wait_events`.split(/\s+/));

/** PostgreSQL's other information_schema views: named in a 0A000 rather than 42P01. */
export const INFORMATION_SCHEMA_OTHER = new Set((`_pg_foreign_data_wrappers _pg_foreign_servers _pg_foreign_table_columns
  _pg_foreign_tables _pg_user_mappings administrable_role_authorizations applicable_roles attributes character_sets check_constraint_routine_usage
  collation_character_set_applicability collations column_column_usage column_domain_usage column_options
  column_privileges column_udt_usage data_type_privileges domain_constraints domain_udt_usage domains element_types
  enabled_roles foreign_data_wrapper_options foreign_data_wrappers foreign_server_options foreign_servers
  foreign_table_options foreign_tables information_schema_catalog_name parameters role_column_grants
  role_routine_grants role_table_grants role_udt_grants role_usage_grants routine_column_usage routine_privileges
  routine_routine_usage routine_sequence_usage routine_table_usage routines sql_features sql_implementation_info
  sql_parts sql_sizing table_privileges transforms triggered_update_columns triggers udt_privileges usage_privileges
  user_defined_types user_mapping_options user_mappings view_column_usage view_routine_usage view_table_usage`).split(/\s+/));
