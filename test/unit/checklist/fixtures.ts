/** A small valid template to derive bad ones from. */
export function tinyTemplate(over: Record<string, unknown> = {}): Record<string, any> {
  const text = (zh: string) => ({ 'zh-CN': zh, en: zh });
  const point = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    title: text(`点 ${id}`),
    guidance: text('看清楚'),
    prompt: text('请对准'),
    clause: '测试条款',
    required: true,
    results: ['pass', 'fail', 'not_applicable', 'needs_rectification', 'onsite_required'],
    severity: 'major',
    evidence: { minPhotos: 0 },
    ...extra,
  });
  return {
    id: 'tiny',
    version: '1.0.0',
    permitType: 'tiny_permit',
    title: text('小模板'),
    basis: ['测试依据'],
    facts: [
      { key: 'seats', type: 'number', label: text('座位') },
      { key: 'cold', type: 'boolean', label: text('冷食') },
      { key: 'form', type: 'enum', label: text('业态'), values: ['restaurant', 'canteen'] },
    ],
    outcome: { rectificationDays: 30 },
    sections: [
      { id: 'front', title: text('门口'), zone: 'entrance', points: [point('licence'), point('sign', { severity: 'minor' })] },
      { id: 'kitchen', title: text('后厨'), zone: 'kitchen', points: [point('sink', { when: 'seats > 50' }), point('cold_room', { when: 'cold and @licence == "pass"' })] },
    ],
    ...over,
  };
}


