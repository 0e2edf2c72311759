/**
 * Versions vecgres reports: the PostgreSQL release whose SQL, messages and protocol it follows
 * (server_version, version()), and its own release.
 */

/** The PostgreSQL version clients see (server_version); PGlite 0.5 is PostgreSQL 18. */
export const PG_VERSION = '18.0';
/** PostgreSQL's server_version_num for {@link PG_VERSION}. */
export const PG_VERSION_NUM = 180000;
/** This release of vecgres (package.json's version). */
export const VECGRES_VERSION = '0.1.0';
