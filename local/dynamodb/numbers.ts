/**
 * DynamoDB numbers: sent as strings, up to 38 significant digits, magnitude 1E-130 to 9.99…E+125, compared
 * numerically and returned normalised (`"01.50"` comes back as `"1.5"`). Kept exact with BigInt mantissas, never
 * through floating point.
 */
import { validation } from './errors';

interface Decimal {
  /** Significant digits as an integer (sign included), no trailing zeros unless zero. */
  readonly mantissa: bigint;
  /** value = mantissa × 10^exponent */
  readonly exponent: number;
}

const NUMBER_TEXT = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;
const MAX_DIGITS = 38;

function parse(text: string): Decimal {
  const match = NUMBER_TEXT.exec(text);
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match ?? [];
  if (!match || (whole === '' && fraction === '')) {
    throw validation('A value provided cannot be converted into a number');
  }
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  let exponent = Number(exp) - fraction.length;
  if (digits === '') return { mantissa: 0n, exponent: 0 };
  const trailing = /0*$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  if (digits.length > MAX_DIGITS) {
    throw validation('Attempting to store more than 38 significant digits in a Number');
  }
  const magnitude = exponent + digits.length - 1;
  if (magnitude > 125)
    throw validation('Number overflow. Attempting to store a number with magnitude larger than supported range');
  if (magnitude < -130)
    throw validation('Number underflow. Attempting to store a number with magnitude smaller than supported range');
  return { mantissa: BigInt(`${sign}${digits}`), exponent };
}

function format({ mantissa, exponent }: Decimal): string {
  if (mantissa === 0n) return '0';
  const negative = mantissa < 0n;
  const digits = (negative ? -mantissa : mantissa).toString();
  let text: string;
  if (exponent >= 0) text = digits + '0'.repeat(exponent);
  else if (-exponent < digits.length)
    text = `${digits.slice(0, digits.length + exponent)}.${digits.slice(digits.length + exponent)}`;
  else text = `0.${'0'.repeat(-exponent - digits.length)}${digits}`;
  return negative ? `-${text}` : text;
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent);
  return [
    a.mantissa * 10n ** BigInt(a.exponent - exponent),
    b.mantissa * 10n ** BigInt(b.exponent - exponent),
    exponent,
  ];
}

/** Validates a number string and returns DynamoDB's normalised form of it. */
export function normaliseNumber(text: string): string {
  return format(parse(text));
}

export function compareNumbers(a: string, b: string): number {
  const [x, y] = aligned(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `a + b` or `a - b`, exact, normalised. */
export function addNumbers(a: string, b: string, sign: 1 | -1): string {
  const [x, y, exponent] = aligned(parse(a), parse(b));
  return normaliseNumber(format({ mantissa: x + BigInt(sign) * y, exponent }));
}
