import fc from 'fast-check';
import { targetGroupNameProblem } from '../../../local/elbv2/target-group-name';

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const inner = fc.constantFrom(...'abcXYZ019-'.split(''));

it('accepts names of 1 to 32 alphanumerics and inner hyphens', () => {
  fc.assert(
    fc.property(alnum, fc.array(inner, { maxLength: 30 }), alnum, (first, middle, last) => {
      return (
        targetGroupNameProblem(first + middle.join('') + last) === undefined &&
        targetGroupNameProblem(first) === undefined
      );
    }),
  );
});

it('names the rule a bad name breaks', () => {
  expect(targetGroupNameProblem('a'.repeat(33))).toContain("cannot be longer than '32' characters");
  expect(targetGroupNameProblem('blue-')).toContain("cannot begin or end with '-'");
  expect(targetGroupNameProblem('blue.green')).toContain('alphanumeric characters or hyphens');
  expect(targetGroupNameProblem('')).toBeDefined();
});
