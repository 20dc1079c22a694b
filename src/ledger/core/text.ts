// Character checks shared by the text formats (entries, signed notes, checkpoints).

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// These patterns exist to find control characters, which the lint rule would otherwise forbid.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;

/** True if the string holds an unpaired UTF-16 surrogate, which has no UTF-8 encoding. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** True if the string holds an ASCII control character (below U+0020), optionally allowing '\n'. */
export function hasControlCharacter(text: string, allowNewline = false): boolean {
  return (allowNewline ? CONTROL_BUT_NEWLINE : CONTROL).test(text);
}
