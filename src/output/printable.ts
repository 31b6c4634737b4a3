// Text output is read by terminals and by CI log parsers one line a diagnostic: a file name, a
// `#if` condition or a .mailmap name holding a newline or an escape sequence must neither start
// a line of its own (a fake `file:line: error:`) nor drive the terminal. Control characters are
// printed as escapes; SARIF needs none of this (JSON escapes them).

// C0 controls but the tab, DEL, C1 controls, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with each control character as `\xHH` (`\uHHHH` above U+00FF). */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
