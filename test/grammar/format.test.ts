/**
 * The formatter: one canonical layout, idempotent, comments kept, the mix
 * unchanged; files with syntax errors are refused, never guessed at.
 */
import { describe, expect, it } from 'vitest';
import { check, format, parse } from '../../grammar/src/index.js';
import { fixture, richFacts } from './helpers.js';

function formatted(text: string): string {
  const r = format(text);
  if (!r.ok) throw new Error(`format refused: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.text;
}

const COMMENTED = [
  '# Night Drive',
  '',
  '',
  '',
  'title "Night Drive"   # the name',
  'tempo 124 bpm; meter 4/4',
  'track kick { # the kick',
  '  # before the file',
  '  file "stems/kick.wav" # trailing',
  '',
  '',
  '  gain -3 dB; pan 10% # after pan',
  '  eq { bell 60 Hz +2 dB # band',
  '  } # eq closed',
  '  # before the close',
  '} # track closed',
  '# the end',
].join('\n');

const COMMENTED_CANONICAL = [
  '# Night Drive',
  '',
  'title "Night Drive" # the name',
  'tempo 124 bpm',
  'meter 4/4',
  'track kick { # the kick',
  '  # before the file',
  '  file "stems/kick.wav" # trailing',
  '',
  '  gain -3 dB',
  '  pan 10% # after pan',
  '  eq {',
  '    bell 60 Hz +2 dB # band',
  '  } # eq closed',
  '  # before the close',
  '} # track closed',
  '# the end',
  '',
].join('\n');

describe('canonical layout', () => {
  it('lays out a file with comments, blank lines and `;`', () => {
    expect(formatted(COMMENTED)).toBe(COMMENTED_CANONICAL);
  });

  it('one statement a line, two-space indent, `{` on the opening line, empty blocks on one line', () => {
    const text = 'track kick\n{\nfile "k.wav"\n      gain   -3   dB\neq{highpass 30 Hz;bell 60 Hz 2 dB q 1.2}\ncomp {  }\n}\nbus fx {\n\n}';
    expect(formatted(text)).toBe([
      'track kick {',
      '  file "k.wav"',
      '  gain -3 dB',
      '  eq {',
      '    highpass 30 Hz',
      '    bell 60 Hz 2 dB q 1.2',
      '  }',
      '  comp {}',
      '}',
      'bus fx {}',
      '',
    ].join('\n'));
  });

  it('keeps the names of processors and bands where they are written', () => {
    const text = 'track vox{file "v.wav"\neq   tone{bell   presence 3 kHz +2 dB;highpass lowcut 90 Hz}\ncomp glue   {threshold -18 dB}}';
    expect(formatted(text)).toBe([
      'track vox {',
      '  file "v.wav"',
      '  eq tone {',
      '    bell presence 3 kHz +2 dB',
      '    highpass lowcut 90 Hz',
      '  }',
      '  comp glue {',
      '    threshold -18 dB',
      '  }',
      '}',
      '',
    ].join('\n'));
  });

  it('`;`-joined statements are split, at every level', () => {
    expect(formatted('tempo 120; meter 3/4;; title "x"\ntrack t { mute; solo; comp { ratio 4:1; attack 5 ms } }')).toBe([
      'tempo 120',
      'meter 3/4',
      'title "x"',
      'track t {',
      '  mute',
      '  solo',
      '  comp {',
      '    ratio 4:1',
      '    attack 5 ms',
      '  }',
      '}',
      '',
    ].join('\n'));
  });

  it('a statement written over several lines is joined; tight tokens stay tight', () => {
    expect(formatted('meter 6 / 8\ntrack t {\n  clip "a.wav"\n    from 1 s to 2:03.5\n    fade 20 ms\n  pan\n    -10\n%\n}')).toBe(
      'meter 6/8\ntrack t {\n  clip "a.wav" from 1 s to 2:03.5 fade 20 ms\n  pan -10%\n}\n',
    );
    expect(formatted('track t { comp { ratio 4 : 1 } }')).toBe('track t {\n  comp {\n    ratio 4:1\n  }\n}\n');
  });

  it('blank lines collapse to one; none after `{` or before `}`; none at the ends', () => {
    expect(formatted('\n\n\ntempo 120\n\n\n\nmeter 4/4\ntrack t {\n\n\n  mute\n\n\n  solo\n\n\n}\n\n\n')).toBe(
      'tempo 120\n\nmeter 4/4\ntrack t {\n  mute\n\n  solo\n}\n',
    );
  });

  it('keeps the blank line after a trailing comment that ends in `{`', () => {
    expect(formatted('tempo 120 # {\n\nmeter 4/4')).toBe('tempo 120 # {\n\nmeter 4/4\n');
  });

  it('keeps strings exactly as written, escapes included', () => {
    const text = String.raw`title   "a \"b\" \\ # not a comment"`;
    expect(formatted(text)).toBe(String.raw`title "a \"b\" \\ # not a comment"` + '\n');
  });

  it('empty and comment-only files', () => {
    expect(formatted('')).toBe('');
    expect(formatted('\n\n  \n')).toBe('');
    expect(formatted('# just a note   \n\n\n# another')).toBe('# just a note\n\n# another\n');
  });

  it('keeps the clip line rule: a clause stays on its clip, a statement on its own line', () => {
    const text = 'track t {\n  clip "a.wav" from 1 s to 2 s\n  to drums\n  gain -3 dB\n}\nbus drums { }';
    const out = formatted(text);
    expect(out).toBe('track t {\n  clip "a.wav" from 1 s to 2 s\n  to drums\n  gain -3 dB\n}\nbus drums {}\n');
    expect(check(out).model).toEqual(check(text).model);
  });
});

describe('comments are kept', () => {
  it('every comment of the input appears once in the output', () => {
    for (const text of [COMMENTED, fixture('rich.mix'), fixture('rich-messy.mix')]) {
      const before = parse(text).document.comments.map((c) => c.text.trimEnd());
      const after = parse(formatted(text)).document.comments.map((c) => c.text);
      expect(after).toEqual(before);
    }
  });

  it('own-line comments stay on their own line, trailing ones at the end of their statement', () => {
    const out = formatted('# own\ntempo 120 # trailing\ntrack t {\n  # inside\n  mute # flag\n}');
    expect(out.split('\n')).toEqual(['# own', 'tempo 120 # trailing', 'track t {', '  # inside', '  mute # flag', '}', '']);
  });

  it('a comment inside a statement that spans lines goes above it', () => {
    expect(formatted('track t {\n  clip "a.wav" # the take\n    from 1 s\n}')).toBe('track t {\n  # the take\n  clip "a.wav" from 1 s\n}\n');
  });

  it('a comment between the words of a block header moves above the header', () => {
    const text = 'bus # empty\n fx { }';
    const out = formatted(text);
    expect(out).toBe('# empty\nbus fx {}\n');
    expect(formatted(out)).toBe(out);
  });

  it('moving a header comment adds no blank line', () => {
    expect(formatted('track # the kick\n  kick {\n  file "k.wav"\n}')).toBe('# the kick\ntrack kick {\n  file "k.wav"\n}\n');
  });

  it('a comment in an empty block keeps the block open', () => {
    expect(formatted('bus fx {\n  # nothing yet\n}')).toBe('bus fx {\n  # nothing yet\n}\n');
  });
});

describe('idempotent', () => {
  const files: [string, string][] = [
    ['commented', COMMENTED],
    ['rich.mix', fixture('rich.mix')],
    ['rich-messy.mix', fixture('rich-messy.mix')],
    ['one line', 'title "x"; tempo 100; track a { file "a.wav"; eq { bell 1 kHz 2 dB }; gain -1 dB } master { target -14 LUFS }'],
    ['CRLF', 'title "x"\r\n\r\n\r\ntrack a {\r\n  file "a.wav" # c\r\n}\r\n'],
  ];
  it.each(files)('%s', (_, text) => {
    const once = formatted(text);
    expect(formatted(once)).toBe(once);
  });

  it('a formatted file is the canonical one: both layouts of the rich session give one text', () => {
    const a = formatted(fixture('rich.mix'));
    const b = formatted(fixture('rich-messy.mix'));
    // Same statements, same order; only comments and blank lines may differ.
    const withoutComment = (l: string) => /^((?:[^"#]|"(?:[^"\\]|\\.)*")*)/.exec(l)![1]!.trimEnd();
    const statements = (t: string) => t.split('\n').map(withoutComment).filter((l) => l.trim());
    expect(statements(b)).toEqual(statements(a));
  });
});

describe('the mix is unchanged', () => {
  it.each([
    ['rich.mix', fixture('rich.mix')],
    ['rich-messy.mix', fixture('rich-messy.mix')],
    ['commented', COMMENTED],
  ])('%s: the formatted file has a deep-equal model and the same diagnostics', (_, text) => {
    const out = formatted(text);
    const before = check(text, { facts: richFacts });
    const after = check(out, { facts: richFacts });
    expect(after.model).toEqual(before.model);
    expect(after.diagnostics.map((d) => [d.code, d.message])).toEqual(before.diagnostics.map((d) => [d.code, d.message]));
  });

  it('files with analysis errors (but no syntax errors) are still formatted', () => {
    const text = 'track a { gain 3; gain 40 dB; to nowhere }';
    expect(formatted(text)).toBe('track a {\n  gain 3\n  gain 40 dB\n  to nowhere\n}\n');
  });
});

describe('refuses files with syntax errors', () => {
  it.each([
    ['unknown word', 'track a {\n  wobble\n}'],
    ['missing value', 'tempo'],
    ['unclosed block', 'track a {\n  file "a.wav"\n'],
    ['unterminated string', 'title "Night'],
    ['unexpected character', 'tempo 120 @'],
    ['stray brace', 'track a { }\n}'],
  ])('%s', (_, text) => {
    const r = format(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems).toEqual(parse(text).problems);
    expect('text' in r).toBe(false);
  });
});

describe('line breaks', () => {
  const lf = 'tempo 120 bpm\n# the kick\ntrack kick {\n  file "k.wav"   # close mic\n      gain -3 dB\n}\n';
  const crlf = lf.replace(/\n/g, '\r\n');

  it("keeps a CRLF file's line breaks: the same canonical text, with CRLF and no bare LF", () => {
    const fromLf = format(lf);
    const fromCrlf = format(crlf);
    if (!fromLf.ok || !fromCrlf.ok) throw new Error('both should format');
    expect(fromCrlf.text).toBe(fromLf.text.replace(/\n/g, '\r\n'));
    expect(/[^\r]\n/.test(fromCrlf.text)).toBe(false);
    expect(format(fromCrlf.text)).toEqual(fromCrlf);
  });

  it('keeps an LF file LF', () => {
    const r = format(lf);
    expect(r.ok && r.text.includes('\r')).toBe(false);
  });
});
