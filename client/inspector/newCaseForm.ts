import { readCoordinate, roundDegrees, type Axis } from '../../server/geo/coordinateText';
import { DATUM_SYSTEMS, insideChina, type DatumSystem } from '../../server/geo/datum';
import { distanceMetres } from '../../server/geo/distance';
import { checkRegisteredPoint, type PointProblem } from '../../server/geo/registeredPoint';
import { api } from '../shared/api';
import { h } from '../shared/dom';
import { permitLabel, t, type MessageKey } from '../shared/i18n';
import { plotDistance, positionPlot } from '../shared/positionPlot';
import { fill } from '../shared/staff';

const EXAMPLE: Record<Axis, string> = { lat: '39.928889', lon: '116.416420' };
const deg = (v: number): string => v.toFixed(6);

/**
 * The new-case form: business, permits, registered address and its coordinates. The coordinates are
 * sent as typed, with the map app they came from; the server converts them to WGS-84 and refuses
 * what cannot be the address. While the clerk types, the form checks with the same rules and shows
 * the point that will be stored, and how far the conversion moved it.
 */
export function newCaseForm(permitTypes: string[], onCreated: (caseId: string) => Promise<void>, fail: (err: unknown) => void): HTMLFormElement {
  const business = h('input', { name: 'businessName', required: true, maxLength: 200 });
  const address = h('input', { name: 'address', required: true, maxLength: 300 });
  // Text, not type=number: a number field keeps 395544 from 39°55'44" and drops what it cannot read.
  const coord = (axis: Axis) => h('input', { name: axis, type: 'text', inputMode: 'decimal', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: t(`geo.placeholder.${axis}`), 'aria-describedby': 'geo-preview' });
  const lat = coord('lat');
  const lon = coord('lon');
  const permits = permitTypes.map((p) => h('input', { type: 'checkbox', name: 'permit', value: p }));
  const sources = DATUM_SYSTEMS.map((s) => h('input', { type: 'radio', name: 'coordSystem', value: s, required: true }));
  const hint = h('p', { class: 'geo-hint muted', id: 'geo-hint' }, t('geo.hint.none'));
  const preview = h('div', { class: 'geo-preview', id: 'geo-preview', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'new-case' },
    h('label', {}, t('case.business'), business),
    h('fieldset', {}, h('legend', {}, t('case.permits')), ...permits.map((cb) => h('label', { class: 'inline' }, cb, permitLabel(cb.value)))),
    h('label', {}, t('case.address'), address),
    h(
      'fieldset',
      { class: 'geo-source', 'aria-describedby': 'geo-hint' },
      h('legend', {}, t('geo.source')),
      ...sources.map((r) => h('label', { class: 'inline' }, r, t(`geo.source.${r.value}` as MessageKey))),
      hint,
    ),
    h('div', { class: 'row' }, h('label', {}, t('case.lat'), lat), h('label', {}, t('case.lon'), lon)),
    preview,
    h('button', { class: 'primary', type: 'submit' }, t('btn.create')),
  );

  const system = (): DatumSystem | undefined => sources.find((r) => r.checked)?.value as DatumSystem | undefined;
  let splitNote: string | undefined;

  /** A "longitude,latitude" copied from a map app, pasted whole: in China the larger number is the longitude. */
  function splitPastedPair(input: HTMLInputElement): void {
    const r = readCoordinate(input.value, input === lat ? 'lat' : 'lon');
    if (r.kind !== 'pair') return;
    const [small, large] = r.first < r.second ? [r.first, r.second] : [r.second, r.first];
    if (!insideChina({ lat: small, lon: large })) return;
    splitNote = fill('geo.preview.split', { typed: input.value.trim() });
    lat.value = String(small);
    lon.value = String(large);
  }

  function render(): void {
    const s = system();
    hint.textContent = t(s ? `geo.hint.${s}` : 'geo.hint.none');
    const note = splitNote ? h('p', { class: 'geo-note' }, splitNote) : null;
    if (!lat.value.trim() && !lon.value.trim()) {
      preview.dataset.state = 'empty';
      preview.replaceChildren(h('p', { class: 'muted' }, t('geo.preview.empty')));
      return;
    }
    const check = checkRegisteredPoint(s ?? 'wgs84', { lat: lat.value, lon: lon.value });
    if (!check.ok) {
      preview.dataset.state = 'problem';
      preview.replaceChildren(...[note, h('ul', { class: 'geo-problems' }, ...check.problems.map((p) => h('li', {}, problemMessage(p), fixButton(p))))].filter((n) => n !== null));
      return;
    }
    if (!s) {
      preview.dataset.state = 'no-source';
      preview.replaceChildren(...[note, h('p', { class: 'geo-problems-line' }, t('geo.preview.pickSource'))].filter((n) => n !== null));
      return;
    }
    preview.dataset.state = 'ok';
    const offset = distanceMetres(check.original, check.wgs84);
    const stored = h(
      'p',
      { class: 'geo-stored' },
      h('strong', {}, fill('geo.preview.stored', { lat: deg(check.wgs84.lat), lon: deg(check.wgs84.lon) })),
      s === 'wgs84' ? t('geo.preview.noOffset') : fill('geo.preview.offset', { d: plotDistance(offset) }),
    );
    const plot = positionPlot({
      registered: check.wgs84,
      fixes: s === 'wgs84' ? [] : [{ ...check.original, accuracyM: 0, label: t('geo.preview.unconverted') }],
      size: 180,
    });
    const figure = h('figure', { class: 'geo-preview-plot' }, plot, s === 'wgs84' ? null : h('figcaption', { class: 'muted' }, t('geo.preview.plotNote')));
    preview.replaceChildren(...[note, stored, figure].filter((n) => n !== null));
  }

  /** A one-click fix where the right value is known: the decimal of a DMS text, or latitude and longitude swapped. */
  function fixButton(p: PointProblem): HTMLButtonElement | null {
    if (p.kind === 'dms' && p.suggestion !== undefined) {
      const value = String(roundDegrees(p.suggestion));
      const input = p.axis === 'lat' ? lat : lon;
      return h('button', { type: 'button', class: 'small geo-fix', onclick: () => { input.value = value; changed(); } }, fill('geo.fix.use', { value }));
    }
    if (p.kind === 'swapped') {
      const swap = () => {
        [lat.value, lon.value] = [lon.value, lat.value];
        changed();
      };
      return h('button', { type: 'button', class: 'small geo-fix', onclick: swap }, t('geo.fix.swap'));
    }
    return null;
  }

  function changed(): void {
    splitNote = undefined;
    render();
  }

  for (const input of [lat, lon]) {
    input.addEventListener('input', () => {
      splitNote = undefined;
      splitPastedPair(input);
      render();
    });
  }
  for (const r of sources) r.addEventListener('change', render);
  render();

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {
      businessName: business.value,
      permitTypes: permits.filter((p) => p.checked).map((p) => p.value),
      // As typed: the server recognises DMS and other slips, converts, and keeps the original.
      address: { text: address.value, system: system(), lat: lat.value, lon: lon.value },
    };
    api<{ caseRecord: { id: string } }>('POST', '/api/cases', body)
      .then((r) => {
        form.reset();
        changed();
        return onCreated(r.caseRecord.id);
      })
      .catch(fail);
  });
  return form;
}

/** The same sentences the server would say (server/geo/pointProblemText.ts), from this page's messages. */
function problemMessage(p: PointProblem): string {
  switch (p.kind) {
    case 'required':
      return fill('geo.problem.required', { axis: t(`geo.axis.${p.axis}`) });
    case 'dms':
      return p.suggestion === undefined
        ? fill('geo.problem.dmsExample', { axis: t(`geo.axis.${p.axis}`), typed: p.typed, example: EXAMPLE[p.axis] })
        : fill('geo.problem.dms', { axis: t(`geo.axis.${p.axis}`), typed: p.typed, value: String(roundDegrees(p.suggestion)) });
    case 'pair':
      return fill('geo.problem.pair', { axis: t(`geo.axis.${p.axis}`), typed: p.typed });
    case 'unreadable':
      return fill('geo.problem.unreadable', { axis: t(`geo.axis.${p.axis}`), typed: p.typed, example: EXAMPLE[p.axis] });
    case 'range':
      return fill(p.axis === 'lat' ? 'geo.problem.rangeLat' : 'geo.problem.rangeLon', { value: String(roundDegrees(p.value)) });
    case 'zero':
      return t('geo.problem.zero');
    case 'swapped':
      return fill('geo.problem.swapped', { lat: String(roundDegrees(p.lat)), lon: String(roundDegrees(p.lon)) });
    case 'outsideChina':
      return fill('geo.problem.outside', { lat: String(roundDegrees(p.lat)), lon: String(roundDegrees(p.lon)) });
  }
}
