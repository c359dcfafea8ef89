import fc from 'fast-check';
import { z } from 'zod/v4';
import { cardInputReader } from '../../../src/core/card-inputs';
import { NEW_USER_FIELDS, newUserFormSchema, readNewUserForm } from '../../../src/core/new-user';
import { ONBOARDING_INPUTS, parseOnboardingForm } from '../../../src/core/onboarding/plan';
import { readTemplateInputs, TEMPLATE_INPUTS } from '../../../src/core/templates/template-prefill';

/**
 * The form readers without zod effects (issue 16) against the `z.preprocess` schemas they replaced, on anything a
 * card (or someone posting by hand) could send: same keys, same text, for every input.
 */
const asObject = (raw: unknown) => (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {});
const inputValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.anything());
const cardData = (keys: readonly string[]) =>
  fc.oneof(
    fc.anything(),
    fc.record(Object.fromEntries([...keys, 'verb', 'requestId'].map((k) => [k, inputValue])), { requiredKeys: [] }),
  );

// The schemas as they were written before (template-prefill.ts and onboarding/plan.ts).
const oldTemplateText = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string());
const oldTemplateInputs = z.object(Object.fromEntries(TEMPLATE_INPUTS.map((f) => [f, oldTemplateText])));
const oldOnboardingText = z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string());
const oldOnboardingInputs = z.object({
  manager: oldOnboardingText,
  managerName: oldOnboardingText,
  employeeId: oldOnboardingText.transform((s) => s.slice(0, 16)),
  mobilePhone: oldOnboardingText.transform((s) => s.slice(0, 64)),
});

describe('card inputs read without zod effects', () => {
  it('the new-user form reads exactly as newUserFormSchema parses it', () => {
    fc.assert(
      fc.property(cardData(NEW_USER_FIELDS), (raw) => {
        expect(readNewUserForm(raw)).toStrictEqual(newUserFormSchema.parse(asObject(raw)));
      }),
      { numRuns: 500 },
    );
  });

  it('the template inputs read as the preprocess schema they replaced', () => {
    fc.assert(
      fc.property(cardData(TEMPLATE_INPUTS), (raw) => {
        const source = asObject(raw) as Record<string, unknown>;
        expect(readTemplateInputs(raw)).toStrictEqual(oldTemplateInputs.parse(Object.fromEntries(TEMPLATE_INPUTS.map((k) => [k, source[k]]))));
      }),
      { numRuns: 500 },
    );
  });

  it('the onboarding inputs give the plan the preprocess schema gave', () => {
    const manager = '33333333-0000-4000-8000-00000000000B';
    fc.assert(
      fc.property(cardData(ONBOARDING_INPUTS), fc.boolean(), (raw, withManager) => {
        const data = withManager && raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw, manager: ` ${manager} ` } : raw;
        const source = asObject(data) as Record<string, unknown>;
        const f = oldOnboardingInputs.parse(Object.fromEntries(ONBOARDING_INPUTS.map((k) => [k, source[k]])));
        const profile = { ...(f.employeeId ? { employeeId: f.employeeId } : {}), ...(f.mobilePhone ? { mobilePhone: f.mobilePhone } : {}) };
        const wanted = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(f.manager) ? { id: f.manager.toLowerCase(), name: f.managerName } : undefined;
        const expected = !wanted && Object.keys(profile).length === 0 ? undefined : { licences: [], groups: [], profile, ...(wanted ? { manager: wanted } : {}) };
        expect(parseOnboardingForm(data, undefined)).toStrictEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('cuts employee id and mobile phone to Graph limits, and the reader drops unknown keys', () => {
    const plan = parseOnboardingForm({ employeeId: `  ${'7'.repeat(20)} `, mobilePhone: '+1'.padEnd(80, '5'), other: 'x' }, undefined);
    expect(plan?.profile).toStrictEqual({ employeeId: '7'.repeat(16), mobilePhone: '+1'.padEnd(64, '5') });
    const reader = cardInputReader(['a', 'b'] as const, (v) => (typeof v === 'string' ? v : ''));
    expect(reader.read({ a: 'x', b: 3, c: 'y' })).toStrictEqual({ a: 'x', b: '' });
    expect(reader.read(['x'])).toStrictEqual({ a: '', b: '' });
  });
});
