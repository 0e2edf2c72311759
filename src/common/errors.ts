/**
 * PostgreSQL errors: what the user did wrong, reported as PostgreSQL and pgvector report it.
 *
 * Every user-facing failure is a {@link PgError} carrying a SQLSTATE code and the message text
 * PostgreSQL/pgvector would print, byte for byte. Broken invariants (bugs) use `assert` instead.
 * Message texts are built only by the functions in {@link msg}, so the catalog stays in one place.
 */

/** SQLSTATE codes used by vecgres (PostgreSQL Appendix A names). */
export const SQLSTATE = {
  successful_completion: '00000',
  warning: '01000',
  feature_not_supported: '0A000',
  invalid_transaction_state: '25000',
  active_sql_transaction: '25001',
  no_active_sql_transaction: '25P01',
  in_failed_sql_transaction: '25P02',
  read_only_sql_transaction: '25006',
  data_exception: '22000',
  string_data_right_truncation: '22001',
  numeric_value_out_of_range: '22003',
  null_value_not_allowed: '22004',
  invalid_parameter_value: '22023',
  array_subscript_error: '2202E',
  invalid_datetime_format: '22007',
  datetime_value_out_of_range: '22008',
  invalid_time_zone_displacement_value: '22009',
  interval_field_overflow: '22015',
  invalid_escape_sequence: '22025',
  invalid_use_of_escape_character: '2200C',
  substring_error: '22011',
  invalid_regular_expression: '2201B',
  invalid_argument_for_logarithm: '2201E',
  invalid_argument_for_power_function: '2201F',
  invalid_argument_for_width_bucket_function: '2201G',
  invalid_text_representation: '22P02',
  bad_copy_file_format: '22P04',
  division_by_zero: '22012',
  program_limit_exceeded: '54000',
  too_many_columns: '54011',
  not_null_violation: '23502',
  unique_violation: '23505',
  check_violation: '23514',
  syntax_error: '42601',
  undefined_column: '42703',
  undefined_function: '42883',
  undefined_table: '42P01',
  undefined_object: '42704',
  duplicate_table: '42P07',
  invalid_schema_name: '3F000',
  duplicate_object: '42710',
  duplicate_column: '42701',
  ambiguous_column: '42702',
  duplicate_alias: '42712',
  datatype_mismatch: '42804',
  invalid_column_reference: '42P10',
  grouping_error: '42803',
  cannot_coerce: '42846',
  wrong_object_type: '42809',
  invalid_parameter_count: '08P01',
  protocol_violation: '08P01',
  invalid_authorization_specification: '28000',
  invalid_password: '28P01',
  character_not_in_repertoire: '22021',
  cardinality_violation: '21000',
  undefined_parameter: '42P02',
  indeterminate_datatype: '42P18',
  statement_too_complex: '54001',
  invalid_name: '42602',
  ambiguous_function: '42725',
  insufficient_privilege: '42501',
  disk_full: '53100',
  out_of_memory: '53200',
  io_error: '58030',
  data_corrupted: 'XX001',
  internal_error: 'XX000',
  query_canceled: '57014',
  idle_in_transaction_session_timeout: '25P03',
  idle_session_timeout: '57P05',
  object_not_in_prerequisite_state: '55000',
  invalid_cursor_state: '24000',
  invalid_binary_representation: '22P03',
  too_many_connections: '53300',
  admin_shutdown: '57P01',
  undefined_pstatement: '26000',
  undefined_cursor: '34000',
  duplicate_pstatement: '42P05',
  duplicate_cursor: '42P03',
  invalid_cursor_definition: '42P11',
  connection_failure: '08006',
} as const;

export type SqlState = (typeof SQLSTATE)[keyof typeof SQLSTATE];

/** Severity as PostgreSQL's ErrorResponse/NoticeResponse 'S' field prints it. */
export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

export interface PgErrorFields {
  detail?: string;
  hint?: string;
  /** 1-based character position in the query text, as PostgreSQL's 'P' field. */
  position?: number;
  severity?: Severity;
  /** Context, as PostgreSQL's 'W' field (`COPY t, line 3, column e: "x"`). */
  where?: string;
}

/**
 * An error a PostgreSQL client would receive: SQLSTATE `code` plus message text.
 * Field names match PGlite's/node-postgres' DatabaseError so client code moves unchanged.
 */
export class PgError extends Error {
  readonly code: string;
  readonly severity: Severity;
  detail?: string;
  hint?: string;
  position?: string;
  /** PostgreSQL's CONTEXT ('W' field), e.g. the COPY line an error was found on. */
  where?: string;
  /**
   * Notices (WARNINGs) the failing statement raised before this error: PostgreSQL sends each
   * as it is raised, so a client sees them before the ErrorResponse.
   */
  notices?: PgError[];

  constructor(code: string, message: string, fields: PgErrorFields = {}) {
    super(message);
    this.name = 'error';
    this.code = code;
    this.severity = fields.severity ?? 'ERROR';
    if (fields.detail !== undefined) this.detail = fields.detail;
    if (fields.hint !== undefined) this.hint = fields.hint;
    if (fields.position !== undefined) this.position = String(fields.position);
    if (fields.where !== undefined) this.where = fields.where;
  }
}

/** The position field of an error at parser location `loc` (0-based; none when unknown). */
export function pos(loc: unknown): { position?: number } {
  return typeof loc === 'number' && loc >= 0 ? { position: loc + 1 } : {};
}

/**
 * Runs `f`, dropping the position of a PgError it throws: ALTER TABLE analyzes its expressions
 * without the statement's text, so PostgreSQL reports their errors without a position.
 */
export function withoutPosition<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PgError) delete e.position;
    throw e;
  }
}

/** True for errors raised deliberately for the user (as opposed to bugs and host exceptions). */
export function isPgError(e: unknown): e is PgError {
  return e instanceof PgError;
}

/**
 * True for the host's stack overflow (V8's RangeError "Maximum call stack size exceeded"):
 * an expression or subquery nested deeper than the analyzer's recursion can follow. The
 * statement boundary turns it into {@link pgErr.stackDepthExceeded}, never a JS error.
 */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** Shorthand constructors for the common cases; the text is always PostgreSQL's wording. */
export const pgErr = {
  /** PostgreSQL's check_stack_depth() error, for statements nested past the host stack. */
  stackDepthExceeded: () => new PgError(SQLSTATE.statement_too_complex, 'stack depth limit exceeded'),
  featureNotSupported: (what: string) => new PgError(SQLSTATE.feature_not_supported, `${what} is not supported`),
  syntax: (message: string, position?: number) =>
    new PgError(SQLSTATE.syntax_error, message, position === undefined ? {} : { position }),
  undefinedTable: (name: string) => new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`),
  undefinedColumn: (name: string) => new PgError(SQLSTATE.undefined_column, `column "${name}" does not exist`),
  invalidParameterValue: (message: string, fields?: PgErrorFields) =>
    new PgError(SQLSTATE.invalid_parameter_value, message, fields),
  dataException: (message: string) => new PgError(SQLSTATE.data_exception, message),
  invalidTextRepresentation: (typeName: string, input: string) =>
    new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type ${typeName}: "${input}"`),
};
