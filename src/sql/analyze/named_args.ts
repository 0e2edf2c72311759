/**
 * Named and defaulted arguments of the built-in functions that have them (pg_proc's
 * proargnames and proargdefaults): `make_interval(days => 7)`, `make_interval(1)` (one year, the
 * rest 0), `make_date(year => 2024, month => 2, day => 29)`. A call is rewritten to the
 * positional form, which the ordinary overload resolution then types (PostgreSQL's
 * FuncnameGetCandidates with expand_variadic / expand_defaults, and its reordering of named
 * arguments).
 */
import { own } from '../../common/own.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { PgNode } from '../parser/parse.js';
import { leftmostLocation } from '../parser/walk.js';

const int = (v: number): PgNode => ({ A_Const: { ival: { ival: v }, location: -1 } });
const float = (v: string): PgNode => ({ A_Const: { fval: { fval: v }, location: -1 } });
const bool = (v: boolean): PgNode => ({ A_Const: { boolval: { boolval: v }, location: -1 } });

/**
 * Parameter names, and the defaults of the trailing ones, of the functions vecgres has;
 * `shortest`: the fewest leading parameters another overload takes (make_timestamptz without
 * its zone), so a call may leave the rest out.
 */
const FUNCTION_PARAMS: Record<string, { names: readonly string[]; defaults: readonly PgNode[]; shortest?: number }> = {
  make_interval: { names: ['years', 'months', 'weeks', 'days', 'hours', 'mins', 'secs'], defaults: [int(0), int(0), int(0), int(0), int(0), int(0), float('0.0')] },
  make_date: { names: ['year', 'month', 'day'], defaults: [] },
  make_time: { names: ['hour', 'min', 'sec'], defaults: [] },
  make_timestamp: { names: ['year', 'month', 'mday', 'hour', 'min', 'sec'], defaults: [] },
  make_timestamptz: { names: ['year', 'month', 'mday', 'hour', 'min', 'sec', 'timezone'], defaults: [], shortest: 6 },
  jsonb_set: { names: ['jsonb_in', 'path', 'replacement', 'create_if_missing'], defaults: [bool(true)] },
  jsonb_insert: { names: ['jsonb_in', 'path', 'replacement', 'insert_after'], defaults: [bool(false)] },
  jsonb_strip_nulls: { names: ['target', 'strip_in_arrays'], defaults: [bool(false)] },
  json_strip_nulls: { names: ['target', 'strip_in_arrays'], defaults: [bool(false)] },
  parse_ident: { names: ['str', 'strict'], defaults: [bool(true)] },
  jsonb_set_lax: {
    names: ['jsonb_in', 'path', 'replacement', 'create_if_missing', 'null_value_treatment'],
    defaults: [bool(true), { A_Const: { sval: { sval: 'use_json_null' }, location: -1 } }],
  },
};

/**
 * The functions PostgreSQL 18 + pgvector give parameter names (pg_proc.proargnames not NULL,
 * in pg_catalog and the extension's schema), taken from the oracle's catalog when this list
 * was made. A named argument to one vecgres knows no names of is 0A000; to any other function
 * it is PostgreSQL's 42883 `function abs(x => integer) does not exist`.
 */
const PG_FUNCTIONS_WITH_PARAM_NAMES: ReadonlySet<string> = new Set(`aclexplode array_sort cursor_to_xml cursor_to_xmlschema database_to_xml
  database_to_xml_and_xmlschema database_to_xmlschema json_array_element json_array_element_text
  json_array_elements json_array_elements_text json_each json_each_text json_extract_path
  json_extract_path_text json_object_agg json_object_agg_strict json_object_agg_unique
  json_object_agg_unique_strict json_object_field json_object_field_text json_populate_record
  json_populate_recordset json_strip_nulls jsonb_array_element jsonb_array_element_text
  jsonb_array_elements jsonb_array_elements_text jsonb_delete jsonb_each jsonb_each_text
  jsonb_extract_path jsonb_extract_path_text jsonb_insert jsonb_object_agg jsonb_object_agg_strict
  jsonb_object_agg_unique jsonb_object_agg_unique_strict jsonb_object_field
  jsonb_object_field_text jsonb_path_exists jsonb_path_exists_tz jsonb_path_match
  jsonb_path_match_tz jsonb_path_query jsonb_path_query_array jsonb_path_query_array_tz
  jsonb_path_query_first jsonb_path_query_first_tz jsonb_path_query_tz jsonb_set jsonb_set_lax
  jsonb_strip_nulls make_date make_interval make_time make_timestamp make_timestamptz parse_ident
  pg_available_extension_versions pg_available_extensions pg_available_wal_summaries
  pg_backup_start pg_backup_stop pg_clear_attribute_stats pg_clear_relation_stats pg_config
  pg_control_checkpoint pg_control_init pg_control_recovery pg_control_system
  pg_copy_logical_replication_slot pg_copy_physical_replication_slot
  pg_create_logical_replication_slot pg_create_physical_replication_slot pg_cursor
  pg_event_trigger_ddl_commands pg_event_trigger_dropped_objects
  pg_event_trigger_table_rewrite_oid pg_extension_update_paths pg_get_acl pg_get_aios
  pg_get_backend_memory_contexts pg_get_catalog_foreign_keys pg_get_keywords pg_get_loaded_modules
  pg_get_multixact_members pg_get_object_address pg_get_publication_tables
  pg_get_replication_slots pg_get_sequence_data pg_get_shmem_allocations
  pg_get_shmem_allocations_numa pg_get_wait_events pg_get_wal_resource_managers
  pg_get_wal_summarizer_state pg_hba_file_rules pg_ident_file_mappings pg_identify_object
  pg_identify_object_as_address pg_input_error_info pg_last_committed_xact pg_lock_status
  pg_logical_emit_message pg_logical_slot_get_binary_changes pg_logical_slot_get_changes
  pg_logical_slot_peek_binary_changes pg_logical_slot_peek_changes pg_ls_archive_statusdir
  pg_ls_logdir pg_ls_logicalmapdir pg_ls_logicalsnapdir pg_ls_replslotdir pg_ls_summariesdir
  pg_ls_tmpdir pg_ls_waldir pg_mcv_list_items pg_options_to_table pg_partition_ancestors
  pg_partition_tree pg_prepared_statement pg_prepared_xact pg_promote pg_replication_slot_advance
  pg_restore_attribute_stats pg_restore_relation_stats pg_sequence_parameters
  pg_show_all_file_settings pg_show_all_settings pg_show_replication_origin_status
  pg_split_walfile_name pg_stat_file pg_stat_get_activity pg_stat_get_archiver
  pg_stat_get_backend_io pg_stat_get_backend_subxact pg_stat_get_backend_wal pg_stat_get_io
  pg_stat_get_progress_info pg_stat_get_recovery_prefetch pg_stat_get_replication_slot
  pg_stat_get_slru pg_stat_get_subscription pg_stat_get_subscription_stats pg_stat_get_wal
  pg_stat_get_wal_receiver pg_stat_get_wal_senders pg_stat_reset_shared pg_stat_reset_slru
  pg_terminate_backend pg_timezone_abbrevs_abbrevs pg_timezone_abbrevs_zone pg_timezone_names
  pg_wal_summary_contents pg_walfile_name_offset pg_xact_commit_timestamp_origin query_to_xml
  query_to_xml_and_xmlschema query_to_xmlschema random random_normal regexp_count regexp_instr
  regexp_like regexp_match regexp_matches regexp_replace regexp_split_to_array
  regexp_split_to_table regexp_substr schema_to_xml schema_to_xml_and_xmlschema
  schema_to_xmlschema string_agg table_to_xml table_to_xml_and_xmlschema table_to_xmlschema
  ts_debug ts_parse ts_stat ts_token_type unnest uuidv7`.split(/\s+/));

/** A call whose arguments need no rewriting, or cannot be matched (the caller's 42883). */
export type PositionalArgs = { args: PgNode[] } | { unmatched: true } | null;

/**
 * The positional arguments of a call of `name` with `args` (raw nodes, named ones as
 * NamedArgExpr): null when the call has no named argument and gives every parameter (nothing
 * to do), or when `name` has no parameter names here and no named argument is used;
 * `{ unmatched: true }` when the names or the count fit no parameter list (PostgreSQL reports
 * `function f(...) does not exist`).
 * @throws PgError 42601 `argument name "x" used more than once`, `positional argument cannot
 *   follow named argument`; 0A000 named argument notation for a function PostgreSQL gives
 *   parameter names that vecgres does not know.
 */
export function positionalArgs(name: string, args: readonly PgNode[]): PositionalArgs {
  const firstNamed = args.findIndex((a) => a.NamedArgExpr !== undefined);
  if (firstNamed < 0 && own(FUNCTION_PARAMS, name) === undefined) return null;
  for (const a of args.slice(firstNamed < 0 ? args.length : firstNamed)) {
    if (a.NamedArgExpr !== undefined) continue;
    const at = leftmostLocation(a);
    throw new PgError(SQLSTATE.syntax_error, 'positional argument cannot follow named argument', at === undefined ? {} : { position: at + 1 });
  }
  const params = own(FUNCTION_PARAMS, name);
  if (params === undefined) {
    if (firstNamed < 0) return null;
    // No parameter names in PostgreSQL either: no candidate takes a named argument.
    if (!PG_FUNCTIONS_WITH_PARAM_NAMES.has(name)) return { unmatched: true };
    throw new PgError(SQLSTATE.feature_not_supported, `named argument notation (name => value) of function ${name} is not supported`);
  }
  // Positional calls: the overloads decide, unless defaults fill the parameters left out.
  if (firstNamed < 0 && (args.length === params.names.length || params.defaults.length === 0)) return null;
  const positional = firstNamed < 0 ? args.length : firstNamed;
  const seen = new Set<string>();
  for (const a of args.slice(positional)) {
    const na = a.NamedArgExpr;
    if (seen.has(na.name)) throw new PgError(SQLSTATE.syntax_error, `argument name "${na.name}" used more than once`, typeof na.location === 'number' && na.location >= 0 ? { position: na.location + 1 } : {});
    seen.add(na.name);
  }
  if (args.length > params.names.length) return { unmatched: true };
  const slots: (PgNode | undefined)[] = args.slice(0, positional);
  for (const a of args.slice(positional)) {
    const i = params.names.indexOf(a.NamedArgExpr.name);
    if (i < positional) return { unmatched: true };
    slots[i] = a.NamedArgExpr.arg;
  }
  // The overload of the fewest parameters that takes every argument given.
  let arity = params.names.length;
  if (params.shortest !== undefined) {
    while (arity > params.shortest && slots[arity - 1] === undefined) arity--;
  }
  const firstDefault = params.names.length - params.defaults.length;
  const out: PgNode[] = [];
  for (let i = 0; i < arity; i++) {
    const given = slots[i];
    if (given !== undefined) out.push(given);
    else if (i >= firstDefault) out.push(params.defaults[i - firstDefault]!);
    else return { unmatched: true };
  }
  return { args: out };
}
