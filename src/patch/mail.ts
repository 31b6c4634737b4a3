// Mails as `git am` reads them: a patch mailed with Content-Transfer-Encoding quoted-printable
// (`=20` at a line end, `=3D` for `=`, soft line breaks) or base64 is decoded before its diff is
// read. Works on bytes (latin1 strings hold one byte a char) so that the decoded text is
// then decoded as UTF-8 or Latin-1 like any source file.
import { decode as decodeQuotedPrintable } from 'libqp';

const MAIL_START = /^From [0-9a-f]{40} /;
const HEADER = /^[!-9;-~]+:/;
const CONTINUATION = /^[ \t]/;
const TRANSFER_ENCODING = /^content-transfer-encoding:\s*([\w-]+)/i;

/** The mails of a format-patch series (or one mail without its From_ line), as line ranges. */
function mails(lines: string[]): Array<[start: number, end: number]> {
  const starts = lines.flatMap((l, i) => (MAIL_START.test(l) ? [i] : []));
  if (starts[0] !== 0) starts.unshift(0);
  return starts.map((s, i) => [s, starts[i + 1] ?? lines.length]);
}

/** Decodes the body of each mail whose headers name quoted-printable or base64; other text is kept as it is. */
export function decodeMails(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  if (!/content-transfer-encoding/i.test(text)) return bytes;
  const lines = text.split('\n');
  const out: string[] = [];
  for (const [start, end] of mails(lines)) {
    let i = MAIL_START.test(lines[start]!) ? start + 1 : start;
    let encoding: string | undefined;
    let isMail = i < end && HEADER.test(lines[i]!);
    for (; isMail && i < end && lines[i]!.replace(/\r$/, '') !== ''; i++) {
      if (!HEADER.test(lines[i]!) && !CONTINUATION.test(lines[i]!)) isMail = false;
      encoding = TRANSFER_ENCODING.exec(lines[i]!)?.[1]?.toLowerCase() ?? encoding;
    }
    if (!isMail || i >= end || (encoding !== 'quoted-printable' && encoding !== 'base64')) {
      out.push(lines.slice(start, end).join('\n'));
      continue;
    }
    const body = lines.slice(i + 1, end).join('\n');
    const decoded = encoding === 'base64' ? Buffer.from(body, 'base64') : decodeQuotedPrintable(body);
    out.push([...lines.slice(start, i + 1), decoded.toString('latin1')].join('\n'));
  }
  return Buffer.from(out.join('\n'), 'latin1');
}
