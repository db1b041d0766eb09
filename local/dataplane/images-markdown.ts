/**
 * The README table of local images, generated from IMAGE_BEHAVIOURS so the docs cannot drift from the code: paste the
 * output into the README, and a test can check the README still contains it.
 */
import { ANY_OTHER_IMAGE, COLOUR_WORDS, IMAGE_BEHAVIOURS } from './images';

export function imageBehavioursMarkdown(): string {
  const rows = [...IMAGE_BEHAVIOURS, ANY_OTHER_IMAGE].map(
    (row) =>
      `| \`${row.repository}\` | ${row.behaviour} | ${row.startupSeconds} | \`${row.example}\` | ${escapeCell(row.description)} |`,
  );
  return [
    '| Repository | Behaviour | Start-up (emulated s) | Example | What the task does |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Tag parts (split on \`-\`, \`_\`, \`.\`): a colour word (${COLOUR_WORDS.map((c) => `\`${c}\``).join(', ')}) sets ` +
      'the page colour; any other tag gets a fixed colour derived from it, and no tag or `latest` is blue. ' +
      '`slow-N` delays listening by N emulated seconds, for any repository.',
  ].join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
