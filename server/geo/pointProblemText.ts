import { text, type Text } from '../platform/Text';
import type { Axis } from './coordinateText';
import type { PointProblem } from './registeredPoint';

// What the server says about coordinates it refuses, in both languages. The new-case form says the
// same sentences from its own message file (client/shared/messages/geo.ts) while the clerk types.

const AXIS: Record<Axis, Text> = { lat: text('纬度', 'Latitude'), lon: text('经度', 'Longitude') };
/** A decimal example near the product's home, per axis. */
const EXAMPLE: Record<Axis, string> = { lat: '39.928889', lon: '116.416420' };

const num = (v: number): string => String(Math.round(v * 1e6) / 1e6);

export function pointProblemText(p: PointProblem): Text {
  switch (p.kind) {
    case 'required':
      return text(`请填写${AXIS[p.axis]['zh-CN']}`, `${AXIS[p.axis].en} is required`);
    case 'dms': {
      const [zh, en] = [AXIS[p.axis]['zh-CN'], AXIS[p.axis].en];
      return p.suggestion === undefined
        ? text(`${zh}“${p.typed}”是度分秒格式，请填写十进制度数，如 ${EXAMPLE[p.axis]}`, `${en} “${p.typed}” is in degrees, minutes and seconds; enter decimal degrees, e.g. ${EXAMPLE[p.axis]}`)
        : text(`${zh}“${p.typed}”是度分秒格式，请填写十进制度数：${num(p.suggestion)}`, `${en} “${p.typed}” is in degrees, minutes and seconds; enter decimal degrees: ${num(p.suggestion)}`);
    }
    case 'pair':
      return text(`${AXIS[p.axis]['zh-CN']}一栏填了两个数“${p.typed}”，请把纬度和经度分开填写`, `${AXIS[p.axis].en} holds two numbers, “${p.typed}”; enter latitude and longitude separately`);
    case 'unreadable':
      return text(`${AXIS[p.axis]['zh-CN']}“${p.typed}”无法识别，请填写十进制度数，如 ${EXAMPLE[p.axis]}`, `${AXIS[p.axis].en} “${p.typed}” cannot be read; enter decimal degrees, e.g. ${EXAMPLE[p.axis]}`);
    case 'range':
      return p.axis === 'lat'
        ? text(`纬度应在 -90 到 90 之间（填的是 ${num(p.value)}）`, `Latitude must be between -90 and 90 (it is ${num(p.value)})`)
        : text(`经度应在 -180 到 180 之间（填的是 ${num(p.value)}）`, `Longitude must be between -180 and 180 (it is ${num(p.value)})`);
    case 'zero':
      return text('坐标为 0,0，应为登记地址的实际坐标', 'The coordinates are 0,0; enter the actual coordinates of the registered address');
    case 'swapped':
      return text(
        `纬度和经度可能填反了：纬度 ${num(p.lat)}、经度 ${num(p.lon)} 不在中国境内，对调后在境内`,
        `Latitude and longitude may be swapped: latitude ${num(p.lat)}, longitude ${num(p.lon)} is outside China, swapped it is inside`,
      );
    case 'outsideChina':
      return text(
        `坐标（纬度 ${num(p.lat)}，经度 ${num(p.lon)}）不在中国境内，登记地址应在国内，请检查坐标`,
        `The point (latitude ${num(p.lat)}, longitude ${num(p.lon)}) is outside China; the registered address must be in China, please check the coordinates`,
      );
  }
}
