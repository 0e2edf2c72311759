/**
 * The roles of a vecgres database, as PostgreSQL 18's catalogs hold them after initdb: the
 * bootstrap superuser `postgres` (oid 10), the session user of every connection, and
 * PostgreSQL's predefined roles with their fixed oids (pg_authid.dat). vecgres keeps no other
 * roles and no grants (CREATE ROLE and GRANT are 0A000), so these rows never change; pg_roles,
 * pg_authid, pg_auth_members, pg_get_userbyid and the privilege inquiry functions read them.
 */

/** One role: its pg_authid oid and name; `superuser` only for the bootstrap superuser. */
export interface Role {
  oid: number;
  name: string;
  superuser: boolean;
}

/** The bootstrap superuser: the one login role, holding every privilege. */
export const SUPERUSER: Role = { oid: 10, name: 'postgres', superuser: true };

/** Every role, by oid: the superuser, then the predefined roles (no login, no attributes). */
export const ROLES: readonly Role[] = [
  SUPERUSER,
  ...([
    [3373, 'pg_monitor'], [3374, 'pg_read_all_settings'], [3375, 'pg_read_all_stats'], [3377, 'pg_stat_scan_tables'],
    [4200, 'pg_signal_backend'], [4544, 'pg_checkpoint'], [4550, 'pg_use_reserved_connections'], [4569, 'pg_read_server_files'],
    [4570, 'pg_write_server_files'], [4571, 'pg_execute_server_program'], [6171, 'pg_database_owner'], [6181, 'pg_read_all_data'],
    [6182, 'pg_write_all_data'], [6304, 'pg_create_subscription'], [6337, 'pg_maintain'], [6392, 'pg_signal_autovacuum_worker'],
  ] as const).map(([oid, name]): Role => ({ oid, name, superuser: false })),
];

/**
 * pg_auth_members' rows: pg_monitor is a member of pg_read_all_settings, pg_read_all_stats and
 * pg_stat_scan_tables (granted by the superuser, inheriting, SET allowed), as initdb makes them.
 */
export const ROLE_MEMBERSHIPS: readonly { oid: number; roleid: number; member: number }[] = [
  { oid: 10308, roleid: 3374, member: 3373 },
  { oid: 10309, roleid: 3375, member: 3373 },
  { oid: 10310, roleid: 3377, member: 3373 },
];

/** The role named `name`, or undefined. */
export function roleByName(name: string): Role | undefined {
  return ROLES.find((r) => r.name === name);
}

/** The role whose oid is `oid`, or undefined. */
export function roleByOid(oid: number): Role | undefined {
  return ROLES.find((r) => r.oid === oid);
}
