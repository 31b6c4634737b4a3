// Kbuild's calling convention for a source checker: `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c`
// (scripts/Makefile.build, as sparse and Smatch are run). CHECKFLAGS holds sparse's defines,
// `--arch=$(ARCH)`, `-m32`/`-m64`, the endianness, and whatever the user gave in CF=; c_flags
// are the compiler's: -D, -U, -I, -include, -W…, -Wp,…, -f…, -m…, -std=, -O…, -nostdinc,
// -isystem and the KBUILD_* defines. dmalint needs the architecture, the source file, and its
// own options, which come through CF= as --dmalint-…; the rest is accepted and ignored.
import { UsageError } from '../errors.js';

export interface KbuildCall {
  /** The checked file as Kbuild gave it: relative to the build directory, or absolute with O=. */
  source: string;
  /** `--arch=$(ARCH)`, when given. */
  arch?: string;
  /** CF=--dmalint-fail: findings in the file fail the build (exit 1). */
  fail: boolean;
  /** CF=--dmalint-config=FILE: a rules configuration, as -c gives it. */
  config?: string;
  /** CF=--dmalint-cache-dir=DIR, or false for CF=--dmalint-no-cache. */
  cacheDir?: string | false;
}

/** gcc options whose value is the next argument when it is not attached (`-I dir`, `-include f`). */
const TAKES_NEXT = new Set([
  '-I',
  '-D',
  '-U',
  '-include',
  '-imacros',
  '-isystem',
  '-idirafter',
  '-iquote',
  '-iprefix',
  '-iwithprefix',
  '-isysroot',
  '-MF',
  '-MT',
  '-MQ',
  '-o',
  '-x',
  '-aux-info',
  '--param',
  '-Xassembler',
  '-Xpreprocessor',
]);

/**
 * Whether a command line is Kbuild's rather than dmalint's own: it carries a preprocessor or
 * warning option, which dmalint's own options never are (so nothing a user types to dmalint is
 * taken for a build's call).
 */
export function isKbuildCall(args: readonly string[]): boolean {
  return args.some((a) => /^-(?:[DUIW]|include$|imacros$|isystem|nostdinc$|std=)/.test(a));
}

function dmalintOption(arg: string, call: KbuildCall): void {
  const [name, value] = arg.includes('=')
    ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
    : [arg, undefined];
  const needValue = (): string => {
    if (!value) throw new UsageError(`${name}: expected ${name}=VALUE (given through CF=)`);
    return value;
  };
  switch (name) {
    case '--dmalint-fail':
      call.fail = true;
      return;
    case '--dmalint-config':
      call.config = needValue();
      return;
    case '--dmalint-cache-dir':
      call.cacheDir = needValue();
      return;
    case '--dmalint-no-cache':
      call.cacheDir = false;
      return;
    default:
      throw new UsageError(
        `${arg}: unknown option; inside a Kbuild run dmalint takes --dmalint-fail, --dmalint-config=FILE, ` +
          `--dmalint-cache-dir=DIR and --dmalint-no-cache (through CF=)`,
      );
  }
}

export function parseKbuildCall(args: readonly string[]): KbuildCall {
  const call: KbuildCall = { source: '', fail: false };
  const sources: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--dmalint')) dmalintOption(arg, call);
    else if (arg.startsWith('--arch=')) call.arch = arg.slice('--arch='.length);
    else if (TAKES_NEXT.has(arg)) {
      if (i + 1 >= args.length) throw new UsageError(`${arg}: its value is missing at the end of the command line`);
      i++;
    } else if (!arg.startsWith('-') && arg !== '') sources.push(arg);
  }
  if (sources.length !== 1) {
    throw new UsageError(
      sources.length === 0
        ? 'called as a Kbuild checker (`$(CHECK) $(CHECKFLAGS) $(c_flags) file.c`) without a source file'
        : `called as a Kbuild checker with ${sources.length} source files (${sources.join(', ')}); Kbuild passes one`,
    );
  }
  call.source = sources[0]!;
  return call;
}
