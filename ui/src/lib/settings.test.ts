import { describe, expect, it } from 'vitest';
import { coverageNote, holidayEffects, hoursError, leadError, metricIds, minutes, moved, ruleId, zoneError } from '../components/settings/logic';

describe('operating hours are checked before they are sent', () => {
  it('reads HH:MM from 00:00 to 24:00', () => {
    expect(minutes('09:30')).toBe(570);
    expect(minutes('24:00')).toBe(1440);
    for (const bad of ['9:30', '24:30', '12:60', 'noon', '']) expect(minutes(bad)).toBeNull();
  });

  it('refuses a closing time before the opening time, naming the day', () => {
    expect(hoursError([{ day: 'mon', open: '18:00', close: '09:00' }])).toMatch(/Monday: closing time 09:00 is not after opening time 18:00/);
    expect(hoursError([{ day: 'tue', open: '09:00', close: '09:00' }])).toMatch(/Tuesday/);
  });

  it('refuses overlapping spans, bad times, unknown days and a week with no opening', () => {
    expect(hoursError([{ day: 'wed', open: '09:00', close: '13:00' }, { day: 'wed', open: '12:00', close: '18:00' }])).toMatch(/overlap/);
    expect(hoursError([{ day: 'wed', open: '9am', close: '13:00' }])).toMatch(/not HH:MM/);
    expect(hoursError([{ day: 'monday', open: '09:00', close: '13:00' }])).toMatch(/Unknown day/);
    expect(hoursError([])).toMatch(/at least one/);
  });

  it('accepts split days and a span to midnight', () => {
    expect(hoursError([
      { day: 'mon', open: '09:00', close: '12:00' },
      { day: 'mon', open: '13:00', close: '24:00' },
      { day: 'sat', open: '10:00', close: '14:00' },
    ])).toBeNull();
  });
});

describe('other inputs', () => {
  it('knows IANA zones and refuses typos', () => {
    expect(zoneError('Asia/Kuala_Lumpur')).toBeNull();
    expect(zoneError('America/Argentina/Buenos_Aires')).toBeNull();
    expect(zoneError('Asia/Kuala_Lumpr')).toMatch(/not an IANA time zone/);
    expect(zoneError('GMT+8 Malaysia')).toMatch(/not an IANA time zone/);
    expect(zoneError(' ')).toMatch(/Give/);
  });

  it('takes leads of 0 to 1440 whole minutes (§4)', () => {
    expect(leadError('120')).toBeNull();
    expect(leadError(0)).toBeNull();
    for (const bad of ['-1', '1441', '1.5', '', 'two']) expect(leadError(bad)).not.toBeNull();
  });

  it('orders rules by moving one, and names new ones uniquely', () => {
    expect(moved(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(ruleId('Weekend bot!', ['weekend-bot'])).toBe('weekend-bot-2');
  });
});

describe('holiday mode is explained per figure (§2, §5)', () => {
  it('covers every figure of the platform and region', () => {
    expect(holidayEffects('tiktok', 'US').map((e) => e.metric)).toEqual(metricIds('tiktok', 'US'));
    expect(metricIds('tiktok', 'US')).toContain('weekly_response_rate_24h');
    expect(metricIds('tiktok', 'MY')).toContain('response_rate_12h');
    expect(metricIds('tiktok', 'MY')).not.toContain('weekly_response_rate_24h');
  });

  it('says that rates leave the messages out and ratings stay', () => {
    const tt = Object.fromEntries(holidayEffects('tiktok', 'MY').map((e) => [e.metric, e.effect]));
    expect(tt.response_rate_12h).toMatch(/neither numerator nor denominator/);
    expect(tt.satisfaction_rate).toMatch(/Unchanged/);
    const sp = Object.fromEntries(holidayEffects('shopee', 'PH').map((e) => [e.metric, e.effect]));
    expect(sp.chat_response_rate).toMatch(/2 counted inquiries/);
  });

  it('says weekend coverage moves deadlines on TikTok Shop only (§4)', () => {
    expect(coverageNote('tiktok')).toMatch(/Monday 12:00/);
    expect(coverageNote('lazada')).toMatch(/TikTok Shop only/);
  });
});
