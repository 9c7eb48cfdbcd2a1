/**
 * The command line's shared parts in-process: option parsing from each
 * command's declaration, its help, and how errors become exit codes.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../cli/src/commands/check.js';
import { fmt } from '../../cli/src/commands/fmt.js';
import { meter } from '../../cli/src/commands/meter.js';
import { render } from '../../cli/src/commands/render.js';
import { helpText, parseCommandArgs, type Parsed } from '../../cli/src/options.js';
import { CliError, EXIT, failure } from '../../cli/src/output.js';
import { GitError, SessionError } from '../../session/src/index.js';

function values(parsed: Parsed) {
  if (parsed.help) throw new Error('parsed as a request for help');
  return parsed;
}

function usageError(run: () => unknown): CliError {
  try {
    run();
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('parseCommandArgs', () => {
  it('reads values with spaces, short and long names, inline values, options before or after the file', () => {
    const p = values(parseCommandArgs(render.spec, ['-o', 'out.wav', 'song.mix', '--from', 'bar 5', '--to=bar 9', '--bits', '16']));
    expect(p.positionals).toEqual(['song.mix']);
    expect(p.values).toMatchObject({ out: 'out.wav', from: 'bar 5', to: 'bar 9', bits: '16' });
    expect(values(parseCommandArgs(render.spec, ['--out', 'b.wav', 'a.mix'])).values['out']).toBe('b.wav');
  });

  it('takes the next argument as the value even when it starts with a dash', () => {
    expect(values(parseCommandArgs(render.spec, ['a.mix', '-o', '-x.wav'])).values['out']).toBe('-x.wav');
  });

  it('names an unknown option as it was typed', () => {
    expect(usageError(() => parseCommandArgs(check.spec, ['a.mix', '--frob'])).message).toBe("check: unknown option '--frob'");
    expect(usageError(() => parseCommandArgs(fmt.spec, ['-x', 'a.mix'])).message).toBe("fmt: unknown option '-x'");
    expect(usageError(() => parseCommandArgs(meter.spec, ['--frob=1', 'a.wav'])).message).toBe("meter: unknown option '--frob'");
    // render has always followed its errors with its usage line.
    expect(usageError(() => parseCommandArgs(render.spec, ['a.mix', '--frob'])).message).toBe(`render: unknown option '--frob'\n${render.spec.usage}`);
  });

  it('names an option that lacks its value, or has one it does not take', () => {
    expect(usageError(() => parseCommandArgs(render.spec, ['a.mix', '--from'])).message).toBe(`render: --from needs a value\n${render.spec.usage}`);
    expect(usageError(() => parseCommandArgs(render.spec, ['a.mix', '-o'])).message).toBe(`render: -o needs a value\n${render.spec.usage}`);
    expect(usageError(() => parseCommandArgs(check.spec, ['a.mix', '--json=yes'])).message).toBe("check: --json takes no value, not 'yes'");
  });

  it('is asked for help by -h or --help, whatever else is there', () => {
    for (const c of [check, fmt, render, meter]) {
      expect(parseCommandArgs(c.spec, ['--help'])).toEqual({ help: true });
      expect(parseCommandArgs(c.spec, ['x.mix', '-h', '--frob'])).toEqual({ help: true });
    }
  });
});

describe('helpText', () => {
  it('shows the usage line and every declared option with its value', () => {
    const text = helpText(render.spec);
    expect(text.split('\n')[0]).toBe(render.spec.usage);
    for (const flag of ['-o, --out OUT.wav', '--bits 16|24|32f', '--stems DIR', '--from TIME', '--to TIME', '--threads N', '-h, --help']) expect(text).toContain(flag);
  });
});

describe('failure', () => {
  it('maps the kinds of session error to exit codes: a mix that cannot be made is 1, the rest 2', () => {
    expect(failure(new SessionError('mix', 'cannot read a.wav: audio file not found'))).toEqual({ message: 'cannot read a.wav: audio file not found', exitCode: EXIT.mixErrors });
    expect(failure(new SessionError('io', 'cannot read a.mix: no such file'))).toEqual({ message: 'cannot read a.mix: no such file', exitCode: EXIT.usage });
    expect(failure(new SessionError('usage', "--from 'x' is not a time"))).toEqual({ message: "--from 'x' is not a time", exitCode: EXIT.usage });
    expect(failure(new GitError('unknown-revision', "unknown revision 'nope'"))).toEqual({ message: "unknown revision 'nope'", exitCode: EXIT.usage });
  });

  it('keeps a CliError\'s own code, and calls anything else an internal error', () => {
    expect(failure(new CliError('usage: mixdown check SONG.mix [--json]'))).toEqual({ message: 'usage: mixdown check SONG.mix [--json]', exitCode: 2 });
    expect(failure(new CliError('x', 1)).exitCode).toBe(1);
    expect(failure(new TypeError('boom'))).toEqual({ message: 'internal error: boom', exitCode: 2 });
  });
});
