/**
 * The benchmarks' one argument parser. Each bench declares its options (name, kind, default,
 * one line of help) and gets back typed values; `--help` prints the declared options with their
 * defaults. Built on `node:util`'s `parseArgs` (strict: an unknown option or a missing value is
 * an error that names it).
 *
 * An option's flag is its key in kebab-case: `pgliteRows` is `--pglite-rows`, so the option
 * names the benches took before this parser keep working.
 */
import { parseArgs } from 'node:util';

/**
 * What an option holds: a number, a comma-separated list of numbers (`--ef 10,20,40`), a
 * string, a comma-separated list of strings, or a flag (present or absent, no value).
 */
export type OptionKind = 'number' | 'numbers' | 'string' | 'strings' | 'flag';

interface KindValue {
  number: number;
  numbers: number[];
  string: string;
  strings: string[];
  flag: boolean;
}

/** One declared option. */
export interface OptionSpec<K extends OptionKind = OptionKind> {
  kind: K;
  /** The value when the option is absent (flags: false). `null`: no default (the bench decides). */
  default: KindValue[K] | null;
  /** One line for `--help`. */
  help: string;
  /** The value's name in `--help` (`PATH`); default by kind (`N`, `TEXT`, ...). */
  metavar?: string;
  /** Allowed values of a `string` option (checked). */
  choices?: readonly string[];
}

/** A bench's options by key (camelCase; the flag is the key in kebab-case). */
export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed values: each key typed by its kind, `null` only where the default is `null`. */
export type OptionValues<S extends OptionSpecs> = {
  [P in keyof S]: S[P]['default'] extends null ? KindValue[S[P]['kind']] | null : KindValue[S[P]['kind']];
};

/** `pgliteRows` -> `pglite-rows`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

function showDefault(spec: OptionSpec): string {
  const d = spec.default;
  if (d === null || spec.kind === 'flag') return '';
  const text = Array.isArray(d) ? d.join(',') : String(d);
  return ` (default ${text === '' ? '""' : text})`;
}

/**
 * The `--help` text of a bench: its usage line, what it does, and every option with its value
 * shape, help and default.
 *
 * @param command the bench's name (`hnsw`)
 * @param summary one or more lines saying what the bench measures
 */
export function formatHelp(command: string, summary: string, specs: OptionSpecs): string {
  const lines = [`usage: npm run bench -- ${command} [options]`, '', summary.trim(), '', 'options:'];
  const entries = Object.entries(specs).map(([key, spec]) => {
    const shape = spec.metavar !== undefined ? ` ${spec.metavar}` : spec.kind === 'flag' ? '' : spec.kind === 'numbers' ? ' N,N,...' : spec.kind === 'strings' ? ' A,B,...' :
      spec.kind === 'number' ? ' N' : spec.choices !== undefined ? ` ${spec.choices.join('|')}` : ' TEXT';
    return { left: `  --${flagName(key)}${shape}`, right: spec.help + showDefault(spec) };
  });
  entries.push({ left: '  --help', right: 'print this text' });
  const width = Math.max(...entries.map((e) => e.left.length)) + 2;
  for (const e of entries) lines.push(e.left.padEnd(width) + e.right);
  return lines.join('\n') + '\n';
}

function toNumber(flag: string, text: string): number {
  const t = text.trim();
  const x = t === 'Infinity' ? Infinity : Number(t);
  if (t === '' || Number.isNaN(x)) throw new Error(`--${flag}: a number, not "${text}"`);
  return x;
}

/**
 * Parses `args` against `specs`. Throws an Error naming the option for an unknown option, a
 * missing value, a value that is not a number where one is declared, or a string outside its
 * `choices`. Does not handle `--help` (see parseBenchArgs).
 */
export function parseOptions<S extends OptionSpecs>(specs: S, args: readonly string[]): OptionValues<S> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [key, spec] of Object.entries(specs)) options[flagName(key)] = { type: spec.kind === 'flag' ? 'boolean' : 'string' };
  let parsed: Record<string, string | boolean | undefined>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    // node's messages name the option and say what was wrong; drop its stack and code.
    throw new Error((e as Error).message);
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const flag = flagName(key);
    const raw = parsed[flag];
    if (raw === undefined) {
      out[key] = spec.kind === 'flag' ? spec.default ?? false : Array.isArray(spec.default) ? [...spec.default] : spec.default;
      continue;
    }
    switch (spec.kind) {
      case 'flag':
        out[key] = raw === true;
        break;
      case 'number':
        out[key] = toNumber(flag, String(raw));
        break;
      case 'numbers':
        out[key] = String(raw).split(',').map((s) => toNumber(flag, s));
        break;
      case 'strings':
        out[key] = String(raw).split(',').map((s) => s.trim()).filter((s) => s !== '');
        break;
      case 'string':
        if (spec.choices !== undefined && !spec.choices.includes(String(raw))) throw new Error(`--${flag} must be one of ${spec.choices.join(', ')}, not "${raw}"`);
        out[key] = String(raw);
        break;
    }
  }
  return out as OptionValues<S>;
}

/**
 * A bench's entry: with `--help` (or `-h`) among `args`, prints formatHelp to stdout and ends the
 * process (exit code 0); otherwise parseOptions. On a usage error prints it with the help text
 * to stderr and ends the process with exit code 2.
 */
export function parseBenchArgs<S extends OptionSpecs>(command: string, summary: string, specs: S, args: readonly string[]): OptionValues<S> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(formatHelp(command, summary, specs));
    process.exit(0);
  }
  try {
    return parseOptions(specs, args);
  } catch (e) {
    process.stderr.write(`${command}: ${(e as Error).message}\n\n${formatHelp(command, summary, specs)}`);
    process.exit(2);
  }
}
