/**
 * PostgreSQL's access privilege inquiry functions (acl.c: has_table_privilege,
 * has_sequence_privilege, has_column_privilege, has_any_column_privilege,
 * has_schema_privilege, has_database_privilege, pg_has_role) over a vecgres catalog.
 *
 * vecgres has one role, the session user `postgres` (oid 10), a superuser: it holds every
 * privilege on every object, so an inquiry about it answers true once the object and the
 * privilege string are valid. What stays is what PostgreSQL checks before its answer, in its
 * order: the role (42704 for an unknown name), the object (42P01, 3F000, 3D000, 42703, 42809;
 * NULL for an oid or column number that names nothing, where PostgreSQL returns NULL), and the
 * privilege string (22023). Inquiries about another role's privileges (`public`, a predefined
 * `pg_*` role such as `pg_read_all_data`, an unknown role oid) are 0A000: their answers depend
 * on grants and memberships vecgres does not keep. The roles are analyze/roles.ts'.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { SqlEnv } from '../env.js';
import type { PrivilegeArg, PrivilegeFunction } from '../analyze/expr.js';
import { schemaKind } from '../analyze/namespace.js';
import { SUPERUSER, roleByName } from '../analyze/roles.js';
import { columnExists, relationOf } from './relation_lookup.js';

/** The privilege names each function accepts (acl.c's convert_*_priv_string maps). */
const PRIVILEGES: Record<PrivilegeFunction, readonly string[]> = {
  has_table_privilege: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'],
  has_sequence_privilege: ['USAGE', 'SELECT', 'UPDATE'],
  has_column_privilege: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
  has_any_column_privilege: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
  has_schema_privilege: ['CREATE', 'USAGE'],
  has_database_privilege: ['CREATE', 'CONNECT', 'TEMPORARY', 'TEMP'],
  pg_has_role: ['MEMBER', 'USAGE', 'SET'],
};

/** The database's name (current_database()). */
const DATABASE = 'postgres';

/**
 * convert_any_priv_string: a comma-separated list of privilege names, each optionally followed
 * by `WITH GRANT OPTION` (pg_has_role: or `WITH ADMIN OPTION`), case-insensitive, with spaces
 * around each item ignored.
 * @throws PgError 22023 `unrecognized privilege type: "x"` for an item that is none of them.
 */
function checkPrivilegeString(fn: PrivilegeFunction, text: string): void {
  const names = PRIVILEGES[fn];
  for (const raw of text.split(',')) {
    const item = raw.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
    const upper = item.toUpperCase();
    const ok = names.some((p) => upper === p || upper === `${p} WITH GRANT OPTION` || (fn === 'pg_has_role' && upper === `${p} WITH ADMIN OPTION`));
    if (!ok) throw new PgError(SQLSTATE.invalid_parameter_value, `unrecognized privilege type: "${item}"`);
  }
}

/**
 * The role an inquiry asks about (null: the current user). True for the superuser.
 * @throws PgError 42704 for an unknown role name; 0A000 for another role.
 */
function checkRole(role: PrivilegeArg | null): void {
  if (role === null) return;
  if (role.kind === 'name') {
    if (role.value === SUPERUSER.name) return;
    if (roleByName(role.value) === undefined && role.value !== 'public') throw new PgError(SQLSTATE.undefined_object, `role "${role.value}" does not exist`);
    throw pgErr.featureNotSupported(`privileges of role "${role.value}"`);
  }
  if (role.value !== SUPERUSER.oid) throw pgErr.featureNotSupported(`privileges of role with OID ${role.value}`);
}

/**
 * One privilege inquiry: `fn` about `role` (null: the current user) on `objects` (the
 * relation, schema, database or role; has_column_privilege: the relation then the column),
 * for the privileges listed in `privileges`. Arguments are non-null (the functions are strict).
 * @returns true, or null where PostgreSQL returns NULL (an oid or attnum naming nothing).
 * @throws PgError 42704, 42P01, 3F000, 3D000, 42703, 42809, 22023 as PostgreSQL; 0A000 for
 *   another role than the session user.
 */
export function hasPrivilege(env: SqlEnv, fn: PrivilegeFunction, role: PrivilegeArg | null, objects: readonly PrivilegeArg[], privileges: string): boolean | null {
  checkRole(role);
  const obj = objects[0]!;
  switch (fn) {
    case 'has_schema_privilege':
      if (obj.kind === 'name' && schemaKind(env, obj.value) === 'missing') throw new PgError(SQLSTATE.invalid_schema_name, `schema "${obj.value}" does not exist`);
      checkPrivilegeString(fn, privileges);
      return true;
    case 'has_database_privilege':
      if (obj.kind === 'name' && obj.value !== DATABASE) throw new PgError('3D000', `database "${obj.value}" does not exist`);
      checkPrivilegeString(fn, privileges);
      return true;
    case 'pg_has_role':
      // The superuser is a member of every role, the predefined ones included.
      if (obj.kind === 'name' && roleByName(obj.value) === undefined) throw new PgError(SQLSTATE.undefined_object, `role "${obj.value}" does not exist`);
      checkPrivilegeString(fn, privileges);
      return true;
    default: {
      // An oid's privilege string is checked before the lookup, a name's after it (acl.c).
      if (obj.kind !== 'name') checkPrivilegeString(fn, privileges);
      const rel = relationOf(env, obj);
      if (rel !== null && fn === 'has_sequence_privilege' && rel.kind !== 'sequence') throw new PgError(SQLSTATE.wrong_object_type, `"${rel.display}" is not a sequence`);
      if (rel !== null && fn === 'has_column_privilege') {
        const col = objects[1]!;
        if (!columnExists(env, rel, col)) {
          if (col.kind === 'attnum') return null;
          throw new PgError(SQLSTATE.undefined_column, `column "${col.value}" of relation "${rel.display}" does not exist`);
        }
      }
      if (obj.kind === 'name') checkPrivilegeString(fn, privileges);
      return rel === null ? null : true;
    }
  }
}
