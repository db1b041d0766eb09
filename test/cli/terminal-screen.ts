/**
 * What a terminal shows after some output: enough of a VT100 to replay what ora and the printer write (\r, \n,
 * cursor to column, cursor up, erase in line; colours, cursor visibility and synchronized output are ignored).
 * Lines do not wrap here: a line longer than the terminal is a failure the tests look for separately.
 */
export function screen(output: string): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  // eslint-disable-next-line no-control-regex -- escape sequences are what this parses
  for (const match of output.matchAll(/\x1b\[([?\d;]*)([A-Za-z])|\r|\n|[^\x1b\r\n]/gu)) {
    const [token, params = '', command] = match;
    const line = (rows[row] ??= []);
    if (token === '\r') col = 0;
    else if (token === '\n') {
      // A terminal's output processing (onlcr) turns \n into \r\n.
      row += 1;
      col = 0;
    } else if (command === undefined) {
      line[col] = token;
      col += 1;
    } else if (command === 'G') col = Math.max(0, Number(params || 1) - 1);
    else if (command === 'A') row = Math.max(0, row - Number(params || 1));
    else if (command === 'K') {
      if (params === '2') line.length = 0;
      else if (params === '' || params === '0') line.length = Math.min(line.length, col);
      else line.fill(' ', 0, col + 1);
    }
  }
  const text = rows.map((line) =>
    Array.from(line, (c) => c ?? ' ')
      .join('')
      .trimEnd(),
  );
  while (text.length > 0 && text[text.length - 1] === '') text.pop();
  return text;
}
