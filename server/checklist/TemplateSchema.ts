import { z } from 'zod';

// The on-disk format of an inspection template (server/checklist/templates/*.json). Field errors
// name the file, the point and the field (see loadTemplates.ts).

export const ZONES = ['exterior', 'entrance', 'sales_floor', 'dining_area', 'kitchen', 'processing', 'storage', 'fuel_area', 'sanitation', 'office'] as const;
export const Zone = z.enum(ZONES);
export type Zone = z.infer<typeof Zone>;

export const RESULT_KINDS = ['pass', 'fail', 'not_applicable', 'needs_rectification', 'onsite_required'] as const;
export const ResultKind = z.enum(RESULT_KINDS);
export type ResultKind = z.infer<typeof ResultKind>;

const Text = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) }).strict();
export type LocalText = z.infer<typeof Text>;

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case (a-z, 0-9, _)');

/** A condition written as text (`seating_capacity > 50 and not has_fuel_storage`); parsed at load. */
const Condition = z.string().min(1).max(500);

export const EvidenceRule = z
  .object({
    /** At least this many photos attached to the point. */
    minPhotos: z.number().int().min(0).max(20).default(0),
    /** Photos must be taken within this many metres of the registered address. */
    maxDistanceM: z.number().positive().max(100_000).optional(),
    /** A continuous video segment of at least this many seconds. */
    minVideoSeconds: z.number().int().min(0).max(3600).default(0),
    /**
     * Each photo requested for the point comes with a fresh code the applicant writes down and holds
     * in the picture, binding the photo to the moment it was asked for (challenge photo).
     */
    challengeCode: z.boolean().optional(),
  })
  .strict();
export type EvidenceRule = z.infer<typeof EvidenceRule>;

export const PointSchema = z
  .object({
    id: Id,
    /** Points of different templates with the same key are one requirement in a combined walk. */
    requirementKey: z.string().regex(/^[a-z][a-z0-9_.]*$/).optional(),
    zone: Zone.optional(),
    title: Text,
    guidance: Text,
    /** Plain words for the applicant's phone. */
    prompt: Text,
    /** Where the requirement comes from, e.g. 《食品经营许可审查通则》第十二条. */
    clause: z.string().min(1).max(300),
    required: z.boolean(),
    results: z.array(ResultKind).min(2).refine((r) => new Set(r).size === r.length, 'results must not repeat'),
    severity: z.enum(['major', 'minor']),
    /** A failed critical point fails the permit whatever the score. */
    critical: z.boolean().default(false),
    weight: z.number().positive().max(100).default(1),
    evidence: EvidenceRule.default({ minPhotos: 0, minVideoSeconds: 0 }),
    when: Condition.optional(),
  })
  .strict();
export type PointSpec = z.infer<typeof PointSchema>;

export const SectionSchema = z
  .object({
    id: Id,
    title: Text,
    zone: Zone,
    when: Condition.optional(),
    points: z.array(PointSchema).min(1),
  })
  .strict();
export type SectionSpec = z.infer<typeof SectionSchema>;

export const FactSchema = z.discriminatedUnion('type', [
  z.object({ key: Id, type: z.literal('boolean'), label: Text }).strict(),
  // A unit as one string is a symbol both languages share (m², km); words need both languages.
  z.object({ key: Id, type: z.literal('number'), label: Text, unit: z.union([z.string().min(1), Text]).optional() }).strict(),
  // Values are codes the conditions use; people see their labels (published templates label every value).
  z.object({ key: Id, type: z.literal('enum'), label: Text, values: z.array(z.string().min(1)).min(2), valueLabels: z.record(Text).optional() }).strict(),
]);
export type FactSpec = z.infer<typeof FactSchema>;

export const TemplateSchema = z
  .object({
    id: Id,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be semantic, e.g. 1.0.0'),
    permitType: Id,
    title: Text,
    /** The public rules the template was written from. */
    basis: z.array(z.string().min(1)).min(1),
    facts: z.array(FactSchema).default([]),
    scoring: z.object({ passPercent: z.number().min(0).max(100) }).strict().optional(),
    outcome: z.object({ rectificationDays: z.number().int().min(1).max(365) }).strict(),
    sections: z.array(SectionSchema).min(1),
  })
  .strict();
export type TemplateSpec = z.infer<typeof TemplateSchema>;
